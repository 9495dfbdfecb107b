/**
 * Injected failures, shared with the Resend emulator (same rule language: status 429/500/502/503,
 * slow, cut, malformed; see ../resend/faults.ts). Only the bodies differ: server.ts answers them
 * in SendGrid's `{"errors":[…]}` shape. Rules also match the export-file and CDN routes, so a
 * cut or failed download can be tested.
 */
export { FaultInjector, type FaultHandle, type FaultRule } from '../resend/faults.js';
