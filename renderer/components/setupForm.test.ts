import { describe, expect, it } from 'vitest';
import { afterRefusal, managerPart } from './setupForm';

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
