import type { Guards } from '../auth';
import type { Database } from '../db/database';
import type { ManagerSettings } from '../managers';
import type { RulesCache } from '../rules';

/** What every route module gets from buildApp. */
export interface RouteDeps {
  db: Database;
  guards: Guards;
  rules: RulesCache;
  managers: ManagerSettings;
}
