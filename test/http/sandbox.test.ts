import { describe, expect, it } from 'vitest';
import { createDraft, createTemplate, getStatus, submitAndWait } from '../support/fixtures.ts';
import { useTestVetted } from '../support/harness.ts';

// Reviews wait ten minutes, so every decision here is a forced one.
const vt = useTestVetted({ env: { SANDBOX_REVIEW_DELAY_MS: '600000' } });
const english = { body: 'Hello {{student_name}}, your lesson moved to {{lesson_at}}. See you then.' };

describe('forced sandbox decisions', () => {
  it('asks which language when two languages share a provider template name, and decides only that one', async () => {
    const key = await createTemplate(vt);
    expect(await submitAndWait(vt, key, await createDraft(vt, key), ['pending'])).toBe('pending');
    expect(
      await submitAndWait(vt, key, await createDraft(vt, key, english, 'TR', 'en'), ['pending'], 'TR', 'en'),
    ).toBe('pending');
    const ambiguous = await vt.request('POST', '/v1/sandbox/decisions', {
      body: { providerTemplateName: `${key}_tr_v1`, status: 'approved' },
    });
    expect(ambiguous.status).toBe(422);
    expect(ambiguous.body.errors[0].path).toBe('/language');

    const decided = await vt.request('POST', '/v1/sandbox/decisions', {
      body: {
        providerTemplateName: `${key}_tr_v1`,
        language: 'en',
        status: 'rejected',
        reason: 'TAG_CONTENT_MISMATCH',
      },
    });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ languageCode: 'en', outcome: 'applied' });
    expect(await getStatus(vt, key, 1, 'TR', 'en')).toBe('rejected');
    expect(await getStatus(vt, key, 1, 'TR', 'tr')).toBe('pending');
  });

  it('answers 404 for a name the sandbox never received', async () => {
    const res = await vt.request('POST', '/v1/sandbox/decisions', {
      body: { providerTemplateName: 'never_submitted_tr_v1', status: 'approved' },
    });
    expect(res.status).toBe(404);
    expect(res.body.type).toBe('/problems/not-found');
  });

  it('takes an appealed rejection back to approved and serves it', async () => {
    const key = await createTemplate(vt);
    expect(await submitAndWait(vt, key, await createDraft(vt, key), ['pending'])).toBe('pending');
    await vt.request('POST', '/v1/sandbox/decisions', {
      body: { providerTemplateName: `${key}_tr_v1`, status: 'rejected', reason: 'INVALID_FORMAT' },
    });
    const appeal = await vt.request('POST', `/v1/templates/${key}/variants/TR/tr/versions/1/appeal`, {
      body: { reasonText: 'The text is a plain lesson notice.' },
    });
    expect(appeal.status).toBe(200);
    expect(appeal.body.status).toBe('in_appeal');
    await vt.request('POST', '/v1/sandbox/decisions', {
      body: { providerTemplateName: `${key}_tr_v1`, status: 'approved' },
    });
    expect(await getStatus(vt, key, 1)).toBe('approved');
    const rendered = await vt.request('POST', '/v1/render', {
      body: {
        template: key,
        market: 'TR',
        language: 'tr',
        variables: { student_name: 'Ali', lesson_at: '15:00' },
      },
    });
    expect(rendered.status).toBe(200);
  });
});
