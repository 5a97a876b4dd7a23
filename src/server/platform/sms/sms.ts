import type { FastifyBaseLogger } from 'fastify';
import { maskPhone } from '../crypto/mask.js';

export type SmsTemplate =
  | 'otp_login'
  | 'otp_proxy_confirm'
  | 'otp_account_delete'
  | 'otp_contract_sign'
  | 'notice';

export interface SmsMessage {
  phone: string;
  template: SmsTemplate;
  params: Record<string, string>;
}

/**
 * The SMS gateway adapter. A real provider (Aliyun, Tencent Cloud SMS…) implements `send`; it throws
 * `SmsUnavailableError` when the provider refuses or times out, and the caller answers 503.
 */
export interface SmsSender {
  send(message: SmsMessage): Promise<void>;
}

export class SmsUnavailableError extends Error {}

/** Default adapter: writes the message to the log with the phone masked (never the full number). */
export class LogSmsSender implements SmsSender {
  constructor(private readonly log: Pick<FastifyBaseLogger, 'info'>) {}
  async send(message: SmsMessage): Promise<void> {
    this.log.info(
      { sms: { to: maskPhone(message.phone), template: message.template, params: message.params } },
      'sms sent',
    );
  }
}

/** Keeps what was sent, for tests; `failNext` makes the next sends fail as a provider outage would. */
export class MemorySmsSender implements SmsSender {
  readonly sent: SmsMessage[] = [];
  failNext = 0;
  async send(message: SmsMessage): Promise<void> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new SmsUnavailableError('simulated SMS provider outage');
    }
    this.sent.push(message);
  }
  lastTo(phone: string): SmsMessage | undefined {
    return [...this.sent].reverse().find((m) => m.phone === phone);
  }
}
