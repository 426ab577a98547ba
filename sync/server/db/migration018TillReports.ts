/**
 * Migration 18: what each till reports of itself on its heartbeat (issue 18), for head office's
 * tills list: its app version, how many events wait in its outbox (and how many the server
 * refused), and when it last reported. In its own file; never edit it once shipped.
 */
export const MIGRATION_018_TILL_REPORTS = {
  id: 18,
  name: 'till reports: app version, unsent and refused events, last heartbeat',
  sql: `
ALTER TABLE terminals ADD COLUMN app_version text;
ALTER TABLE terminals ADD COLUMN unsent_events int CHECK (unsent_events >= 0);
ALTER TABLE terminals ADD COLUMN refused_events int CHECK (refused_events >= 0);
ALTER TABLE terminals ADD COLUMN reported_at timestamptz;
`,
};
