import { describe, expect, it } from 'vitest';
import { ConsoleClient } from '../support/console-client.ts';
import { createDraft, createTemplate, submitAndWait } from '../support/fixtures.ts';
import { ADMIN_KEY, useTestVetted } from '../support/harness.ts';

const vt = useTestVetted();

/** Template text is plain text to Vetted (rendered with noEscape), so the console must escape it. */
describe('the console escapes what users write', () => {
  it('shows <script> in a body, a variable example and a rejection reason as text', async () => {
    const key = await createTemplate(vt, {
      description: 'Has <script>alert("description")</script>',
      variables: [
        { name: 'student_name', type: 'text', example: '<script>alert("example")</script>' },
        { name: 'lesson_at', type: 'text', example: '12 Mayıs 15:00' },
      ],
    });
    const n = await createDraft(vt, key, {
      body: 'Merhaba {{student_name}}, <script>alert("body")</script> dersiniz {{lesson_at}} tarihine taşındı.',
    });
    expect(await submitAndWait(vt, key, n, ['approved'])).toBe('approved');
    const decision = await vt.request('POST', '/v1/sandbox/decisions', {
      body: {
        providerTemplateName: `${key}_tr_v${n}`,
        status: 'rejected',
        reason: 'INCORRECT_CATEGORY',
        reasonText: 'Looks like <script>alert("reason")</script> marketing',
      },
    });
    expect(decision.status).toBe(200);
    const draft = await createDraft(vt, key, { fromVersion: n });

    const browser = new ConsoleClient(vt);
    await browser.login(ADMIN_KEY);
    const variant = `/ui/templates/${key}/variants/TR/tr`;
    const pages = {
      template: await browser.get(`/ui/templates/${key}`),
      list: await browser.get(`/ui/templates?q=${key}`),
      variant: await browser.get(variant),
      version: await browser.get(`${variant}/versions/${n}`),
      editor: await browser.get(`${variant}/versions/${draft}`),
      audit: await browser.get('/ui/audit'),
    };
    for (const [name, page] of Object.entries(pages)) {
      expect(page.status, name).toBe(200);
      expect(page.html, name).not.toMatch(/<script>alert/i);
    }
    expect(pages.template.html).toContain('&lt;script&gt;alert(&quot;example&quot;)&lt;/script&gt;');
    expect(pages.template.html).toContain('&lt;script&gt;alert(&quot;description&quot;)');
    expect(pages.variant.html).toContain('&lt;script&gt;alert(&quot;body&quot;)&lt;/script&gt;');
    expect(pages.variant.html).toContain(
      'Looks like &lt;script&gt;alert(&quot;reason&quot;)&lt;/script&gt; marketing',
    );
    // The preview fills in the example: still text, in the bubble.
    expect(pages.editor.html).toMatch(
      /class="bubble-body">Merhaba &lt;script&gt;alert\(&quot;example&quot;\)&lt;\/script&gt;, &lt;script&gt;alert/,
    );
    expect(pages.editor.html).toContain('<textarea name="body"');

    const check = await browser.post(`${variant}/versions/${draft}/check`, {
      body: '*{{student_name}}* <script>alert("typed")</script>',
    });
    expect(check.status).toBe(200);
    expect(check.html).not.toMatch(/<script>alert/i);
    expect(check.html).toContain('<strong>&lt;script&gt;alert(&quot;example&quot;)&lt;/script&gt;</strong>');
  });
});
