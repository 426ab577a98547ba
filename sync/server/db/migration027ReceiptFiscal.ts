/**
 * Migration 27 (issue 14): a sale's and a return's fiscal document (54-FZ) as the till's register
 * recorded it (SaleEvent.fiscal, ReturnEvent.fiscal: ФД number, ФП sign, date, shift, ФН and РН
 * ККТ), kept with the receipt and the return so head office finds a sale by the document printed
 * on it or reported by the OFD. NULL: a till without a register, or a sale from before this.
 * Stored as the till sent it (jsonb, like desk_approvals.fiscal of migration 15), written by the
 * push in the same statement as the row. Partial indexes on the document number and the fiscal
 * sign (text, as jsonb's ->> gives them): only fiscalised rows pay for them. In its own file;
 * never edit it once shipped.
 */
export const MIGRATION_027_RECEIPT_FISCAL = {
  id: 27,
  name: 'receipts and returns keep their fiscal document numbers; head office finds them by document number or fiscal sign',
  sql: `
ALTER TABLE receipts ADD COLUMN fiscal jsonb;
ALTER TABLE receipt_returns ADD COLUMN fiscal jsonb;
CREATE INDEX receipts_fiscal_document ON receipts (chain_id, (fiscal->>'documentNumber')) WHERE fiscal IS NOT NULL;
CREATE INDEX receipts_fiscal_sign ON receipts (chain_id, (fiscal->>'fiscalSign')) WHERE fiscal IS NOT NULL;
CREATE INDEX receipt_returns_fiscal_document ON receipt_returns ((fiscal->>'documentNumber')) WHERE fiscal IS NOT NULL;
CREATE INDEX receipt_returns_fiscal_sign ON receipt_returns ((fiscal->>'fiscalSign')) WHERE fiscal IS NOT NULL;
`,
};
