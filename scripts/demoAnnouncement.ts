import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface DemoAnnouncement {
  adminToken: string;
  /** Where the token file goes (the demo's data folder), made 0700. */
  tokenDir: string;
  serverUrl: string;
  managerPin: string;
  managerNew: boolean;
  cashier: { personnelNo: string; pin: string };
  cashierNew: boolean;
}

/**
 * What `npm start` says about the demo. The admin token opens every customer's data, so it never
 * goes to the console (console output ends up in journals, CI logs and screenshots): it is written
 * to a file only this user can read, and the line says where (issue 13).
 */
export async function demoAnnouncement(a: DemoAnnouncement): Promise<string> {
  await mkdir(a.tokenDir, { recursive: true, mode: 0o700 });
  const tokenPath = join(a.tokenDir, 'admin-token');
  await writeFile(tokenPath, `${a.adminToken}\n`, { mode: 0o600 });
  // The mode applies to a new file only: one left by an earlier run is made private too.
  await chmod(tokenPath, 0o600);
  const kept = (isNew: boolean) => (isNew ? '' : ' (already set up)');
  return (
    `Demo: manager PIN ${a.managerPin}${kept(a.managerNew)}; cashier ${a.cashier.personnelNo}, PIN ${a.cashier.pin}${kept(a.cashierNew)}; ` +
    `head office offers page ${a.serverUrl}/admin/offers with this run's admin token, which is in ${tokenPath} (readable by this user only).`
  );
}
