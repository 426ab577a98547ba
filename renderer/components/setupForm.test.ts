import { describe, expect, it } from 'vitest';
import { afterRefusal, managerCardDigits, managerPart, serverChange } from './setupForm';

const known = (key: string) => key !== 'setup.errors.brand_new_code';

describe('setup form after a refused enrolment', () => {
  it('asks for a manager PIN when the host says the till is live', () => {
    expect(afterRefusal('enrol_needs_manager', false, known)).toEqual({ needsManager: true, errorKey: 'setup.errors.enrol_needs_manager' });
  });

  it('keeps the PIN field after a wrong PIN, worded as such', () => {
    expect(afterRefusal('enrol_manager_refused', true, known)).toEqual({ needsManager: true, errorKey: 'setup.errors.enrol_manager_refused' });
  });

  it('does not ask for a manager on an ordinary refusal, and keeps the field once shown', () => {
    expect(afterRefusal('enrolment_code_invalid', false, known).needsManager).toBe(false);
    expect(afterRefusal('enrolment_code_invalid', true, known).needsManager).toBe(true);
  });

  it('words a code it does not know with the general message', () => {
    expect(afterRefusal('brand_new_code', false, known).errorKey).toBe('setup.errors.other');
  });
});

describe('the manager part of the enrol request', () => {
  it('sends a 4-8 digit PIN only once the field is shown', () => {
    expect(managerPart(true, ' 482913 ')).toEqual({ managerPin: '482913' });
    expect(managerPart(false, '482913')).toEqual({});
  });

  it('never sends what the host would refuse as a PIN', () => {
    for (const pin of ['', '123', '123456789', '12a4', '12 34']) expect(managerPart(true, pin)).toEqual({});
  });
});

describe('re-enrolment confirmed by a manager card', () => {
  it('sends a scanned manager card instead of a PIN, digits only', () => {
    expect(managerPart(true, '', managerCardDigits(';7700000042?'))).toEqual({ managerCard: '7700000042' });
    // A card read wins over digits half typed in the PIN field.
    expect(managerPart(true, '12', '7700000042')).toEqual({ managerCard: '7700000042' });
    expect(managerPart(false, '', '7700000042')).toEqual({});
  });

  it('takes no card the host would refuse', () => {
    for (const text of ['12345', 'hello', '1'.repeat(20)]) expect(managerCardDigits(text)).toBeNull();
  });

  it('shows the old and the new server side by side, as typed, without a trailing slash', () => {
    expect(serverChange('https://old.example:8443/', ' https://new.example/ ')).toEqual({ from: 'https://old.example:8443', to: 'https://new.example' });
  });
});
