/** Request/response counters, shared with the Resend emulator (see ../resend/stats.ts). */
export { EmulatorStats } from '../resend/stats.js';
