import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiRequestTool, apiRequestTools } from '../../../../bridge/tools/api-request.ts';
import { assertCatalogRules, fakeContext, rejectsWithCode, runTool } from './shared/fake-context.ts';

const BASE = 'https://api.contoso.example/v2/';
const json = (status: number, body: unknown) => ({
  status,
  contentType: 'application/json',
  body: JSON.stringify(body),
});

void describe('api_request', () => {
  void it('is in the api group with honest hints', () => {
    assertCatalogRules(apiRequestTools);
    assert.equal(apiRequestTool.group, 'api');
    assert.equal(apiRequestTool.annotations.readOnlyHint, false);
  });

  void it('explains how to configure the API when none is set', async () => {
    const fake = fakeContext({ api: { baseUrl: null } });
    await rejectsWithCode(
      runTool(apiRequestTool, { path: '/orders' }, fake.ctx),
      'API_NOT_CONFIGURED',
      /api\.baseUrl and api\.scope/,
    );
    await rejectsWithCode(runTool(apiRequestTool, { method: 'POST', path: '/orders' }, fake.ctx), 'API_NOT_CONFIGURED');
    assert.equal(fake.approvals.length, 0);
    assert.equal(fake.apiCalls.length, 0);
  });

  void it('GETs a relative path with the query split out and pretty-prints JSON', async () => {
    const fake = fakeContext({ api: { baseUrl: BASE, respond: () => json(200, { orders: [{ id: 1 }] }) } });
    const result = await runTool(apiRequestTool, { path: 'orders?status=open', query: { top: '5' } }, fake.ctx);
    assert.deepEqual(fake.apiCalls, [{ method: 'GET', path: '/orders', query: { status: 'open', top: '5' } }]);
    assert.equal(fake.approvals.length, 0);
    assert.match(result.text, /GET \/orders: 200 application\/json\n\{\n "orders"/);
    assert.equal(result.structured?.status, 200);
  });

  void it('asks before a write with the full URL in the summary; denied → nothing sent', async () => {
    const ok = fakeContext({ api: { baseUrl: BASE, respond: () => json(201, { id: 7 }) } });
    await runTool(apiRequestTool, { method: 'POST', path: '/orders', body: { sku: 'A1' } }, ok.ctx);
    assert.deepEqual(ok.log, ['approve', 'api POST /orders']);
    assert.equal(ok.approvals[0]?.summary, 'Your API: POST https://api.contoso.example/v2/orders');
    assert.deepEqual(ok.apiCalls[0]?.body, { sku: 'A1' });

    const denied = fakeContext({ deny: true, api: { baseUrl: BASE, respond: () => json(201, {}) } });
    await rejectsWithCode(
      runTool(apiRequestTool, { method: 'DELETE', path: '/orders/7' }, denied.ctx),
      'APPROVAL_DENIED',
    );
    assert.equal(denied.apiCalls.length, 0);
  });

  void it('refuses writes in read-only mode and invalid paths', async () => {
    const fake = fakeContext({ readOnly: true, api: { baseUrl: BASE, respond: () => json(200, {}) } });
    await rejectsWithCode(runTool(apiRequestTool, { method: 'PUT', path: '/x' }, fake.ctx), 'READ_ONLY');
    for (const path of ['https://evil.example/x', '//evil.example/x', '/a/../../admin', '/a/%2E%2E/b', 'a\\b']) {
      await rejectsWithCode(runTool(apiRequestTool, { path }, fake.ctx), 'INVALID_INPUT');
    }
    assert.equal(fake.approvals.length, 0);
    assert.equal(fake.apiCalls.length, 0);
  });

  void it('turns error statuses into a tool error carrying the body, and caps large bodies', async () => {
    const err = fakeContext({ api: { baseUrl: BASE, respond: () => json(404, { error: 'no such order' }) } });
    await rejectsWithCode(
      runTool(apiRequestTool, { path: '/orders/9' }, err.ctx),
      'API_ERROR',
      /answered 404 .*no such order/s,
    );

    const big = fakeContext({
      limits: { maxResultChars: 500 },
      api: { baseUrl: BASE, respond: () => ({ status: 200, contentType: 'text/plain', body: 'x'.repeat(5000) }) },
    });
    const result = await runTool(apiRequestTool, { path: '/dump' }, big.ctx);
    assert.ok(result.text.length <= 500);
    assert.equal(result.structured?.truncated, true);
  });
});
