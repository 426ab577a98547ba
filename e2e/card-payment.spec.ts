import { expect, test } from '@playwright/test';
import { bankCardLookupKey } from '../core/lookupKey';
import { approveWith, startFakeTerminal, type FakeTerminal } from '../drivers/payment/fakeTerminal';
import { createSocatPair, type SocatPair } from '../drivers/testing/socatPair';
import { demoProduct } from '../sync/server/demoSeed';
import { addToBasket, devicesConfig, hostRpc, scan } from './support/till';
import { startServer, startTillHost, type RunningHost, type RunningServer } from './support/processes';

let server: RunningServer;
let host: RunningHost;
let pair: SocatPair;
let terminal: FakeTerminal;
let decline = false;

test.beforeAll(async () => {
  server = await startServer(1_000);
  pair = await createSocatPair();
  // The till's payment terminal is on end b; the test's stand-in terminal answers on end a.
  terminal = await startFakeTerminal(pair.a, (req) =>
    decline ? `DECLINED ${req.receiptId} insufficient funds` : approveWith('tok_card_of_elena', '4242')(req),
  );
  const config = devicesConfig(pair.dir, [{ id: 'pinpad', type: 'payment-terminal', path: pair.b }]);
  host = await startTillHost(server, 1, { env: { LT_DEVICE_CONFIG: config } });
});
test.afterAll(async () => {
  await host?.stop();
  await terminal?.close();
  await pair?.dispose();
  await server?.stop();
});

const YOGHURT = demoProduct(1);

test('paying by card: a decline is explained, the card is linked to the customer found by phone, and next time the card finds her', async ({
  page,
}, testInfo) => {
  await page.goto(host.openUrl);
  await expect(page.getByText('База клиентов загружена: 1 000')).toBeVisible({ timeout: 60_000 });
  await addToBasket(page, YOGHURT);

  const input = page.getByRole('textbox', { name: 'Карта или телефон' });
  await input.fill('8 916 000-00-42');
  await input.press('Enter');
  await expect(page.getByRole('article', { name: 'Клиент' }).getByText('по телефону')).toBeVisible();

  decline = true;
  await page.keyboard.press('F9');
  const dialog = page.getByRole('dialog', { name: 'Оплата наличными' });
  await dialog.getByRole('button', { name: 'Оплатить картой (F10)' }).click();
  await expect(dialog.getByRole('alert')).toContainText('insufficient funds');

  decline = false;
  await page.keyboard.press('F10');
  const receipt = page.getByRole('status', { name: 'Чек' });
  await expect(receipt.getByRole('heading', { name: /проведён/ })).toBeVisible();
  await expect(receipt.getByText('Привязать карту •••• 4242 к клиенту Елена?')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('card-link-offer.png') });
  await receipt.getByRole('button', { name: 'Привязать карту' }).click();
  await expect(receipt.getByText(/Привязать карту ••••/)).toHaveCount(0);
  await page.keyboard.press('Enter');

  // Wait until the server knows the link: ask it through the till host, as the till would.
  const secret = (await hostRpc<{ value: { terminal: { lookupSecret: string } } }>(page, { op: 'status' })).value.terminal.lookupSecret;
  const bankKey = await bankCardLookupKey(secret, 'token:tok_card_of_elena');
  await expect
    .poll(
      async () => (await hostRpc<{ value: { status: number } }>(page, { op: 'api', method: 'GET', path: '/api/v1/lookup', query: { bankKey } })).value.status,
      { timeout: 30_000 },
    )
    .toBe(200);

  // Next customer: no card shown, no phone given, pays with the same bank card.
  await scan(page, YOGHURT.ean);
  await expect(page.getByRole('table', { name: 'Корзина' }).getByText(YOGHURT.name)).toBeVisible();
  await page.keyboard.press('F9');
  await page.getByRole('dialog', { name: 'Оплата наличными' }).getByRole('button', { name: 'Оплатить картой (F10)' }).click();
  await expect(receipt.getByRole('heading', { name: /проведён/ })).toBeVisible({ timeout: 15_000 });
  await expect(receipt.getByText('Баланс, Елена')).toBeVisible();
  expect(terminal.received.filter((l) => l.startsWith('PAY')).length).toBeGreaterThanOrEqual(3);
});
