/** registerProviderWebhook / unregisterProviderWebhook (ADMIN): the CLI's webhooks commands through the API (issue 13 item 13). */
import { databaseVariants } from '../support/databases.js';
import { startPolarStack, stopPolarStack } from '../support/polar-app.js';

describe.each(databaseVariants())('provider webhook mutations (%s)', (variant) => {
  let stack: Awaited<ReturnType<typeof startPolarStack>>;
  beforeAll(async () => {
    stack = await startPolarStack(variant);
  }, 60_000);
  afterAll(() => stopPolarStack(stack));

  // The success path (a real server the fake can ping) is tests/e2e/cli-running-server.test.ts.
  it("ADMIN only; device platforms refused; the provider's refusal named, nothing stored; unregister without one answers null", async () => {
    const { t, fake } = stack;
    const write = await t.graphql('mutation { createApiKey(input: { name: "w", scopes: [WRITE] }) { key } }');
    const refused = await t.graphql('mutation { registerProviderWebhook(provider: POLAR) { externalId } }', undefined, write.body.data.createApiKey.key);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const device = await t.graphql('mutation { registerProviderWebhook(provider: APPLE_HEALTH) { externalId } }');
    expect(device.body.errors?.[0]).toMatchObject({ message: 'provider: APPLE_HEALTH has no webhooks (a device platform pushes through /ingest)', extensions: { code: 'BAD_USER_INPUT' } });

    // PUBLIC_URL (http://gateway.test) does not answer the fake's ping: Polar refuses the registration.
    const failed = await t.graphql('mutation { registerProviderWebhook(provider: POLAR) { externalId } }');
    expect(failed.body.errors?.[0]?.extensions?.code).toBe('PROVIDER_UNAVAILABLE');
    expect(failed.body.errors?.[0]?.message).toMatch(/^provider: Polar webhook registration failed: POST http:\/\/127\.0\.0\.1:\d+\/v3\/webhooks answered 400/);
    expect(fake.webhook).toBeNull();
    expect(await t.database.prisma.providerWebhook.count()).toBe(0);

    const none = await t.graphql('mutation { unregisterProviderWebhook(provider: POLAR) { externalId } }');
    expect(none.body).toEqual({ data: { unregisterProviderWebhook: null } });
  });
});
