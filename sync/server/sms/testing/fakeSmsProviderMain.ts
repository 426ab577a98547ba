// The fake SMS provider as a process of its own: `tsx sync/server/sms/testing/fakeSmsProviderMain.ts [port]`.
import { startFakeSmsProvider } from './fakeSmsProvider';

const port = Number(process.argv[2] ?? 0);
const provider = await startFakeSmsProvider({ port, print: (line) => console.log(line) });
console.log(`Fake SMS provider listening on ${provider.url} (token ${provider.token}; sent messages: GET /messages)`);
