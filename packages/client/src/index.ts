export { createKouanClient, KouanApiError, ok } from './client';
export type { components, KouanClient, KouanClientOptions, paths, Schemas } from './client';
export { signIn } from './session';
export type { KouanSession } from './session';
export { verifyWebhook, WebhookVerificationError, webhookHandler } from './webhooks';
export type { KouanEvent, VerifyOptions, WebhookHandlerOptions, WebhookHeaders } from './webhooks';
