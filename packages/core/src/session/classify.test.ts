import { describe, expect, it } from 'vitest';
import { classifyReply, isAgreementText } from './classify.js';

describe('classifyReply', () => {
  it.each([
    'I agree with the proposed sequence. API spec will be ready by EOD.',
    'Sounds good to me',
    'Approved.',
    'Looks good!',
    'Confirmed, starting now',
    'Agreed',
    'No concerns, sounds good',
    'No objections. LGTM',
  ])('agreement: %s', (text) => {
    expect(classifyReply(text)).toBe('agreement');
    expect(isAgreementText(text)).toBe(true);
  });

  it.each([
    'I disagree with the order',
    "I don't agree",
    'I do not agree with this',
    'Not approved yet',
    "Can't agree to that timeline",
    'I cannot agree',
    'This doesn’t sound good',
    'I have a concern about the schema',
    'Objection: the migration is not reversible',
  ])('concern, never agreement: %s', (text) => {
    expect(classifyReply(text)).toBe('concern');
    expect(isAgreementText(text)).toBe(false);
  });

  it('a question is a question, even beside an agreement', () => {
    expect(classifyReply('Can we schedule a quick sync to review the API spec?')).toBe('question');
    expect(classifyReply('Agreed, but who owns the migration?')).toBe('question');
  });

  it('matches words, not substrings', () => {
    expect(classifyReply('The agreement document is in the wiki')).toBe('response');
    expect(classifyReply('I will reconfirmedly ship it')).toBe('response');
    expect(classifyReply('')).toBe('response');
  });
});
