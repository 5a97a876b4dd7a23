/**
 * The header of a received message (MSH) and the checks that decide whether the platform takes it at all:
 * parsed by @medplum/core's `Hl7Message.parse` (a maintained HL7 v2 parser), checked here.
 */
import { Hl7Message } from '@medplum/core';
import { hl7Problem } from './hl7.errors.js';
import { comp, type Seg } from './hl7.fields.js';

export type MessageKind = 'ADT^A01' | 'ADT^A03' | 'ADT^A04' | 'ADT^A08' | 'ORU^R01';
const EVENTS: Record<string, readonly string[]> = { ADT: ['A01', 'A03', 'A04', 'A08'], ORU: ['R01'] };

/** MSH as the platform uses it. */
export interface Envelope {
  /** MSH-3 (HD.1). */
  sendingApp: string;
  /** MSH-4 (HD.1): the feed's name, matched against the configured feeds. */
  sendingFacility: string;
  receivingApp: string;
  receivingFacility: string;
  /** MSH-10: with the sending facility, the key that makes a resent message a duplicate. */
  controlId: string;
  /** MSH-9.1 ^ MSH-9.2 as received ('ADT^A04', 'ORU^R01', or anything a sender tried). */
  messageType: string;
  /** MSH-12, echoed in the ACK. */
  version: string;
}

export interface Parsed {
  message: Hl7Message;
  envelope: Envelope;
}

/** The longest MSH-10 and MSH-4 kept (the columns are text; a longer one is no control id we can use). */
const MAX_KEY = 199;

/**
 * Parses the text and reads MSH. Anything without a readable MSH, sending facility and control id is
 * HL7_UNPARSEABLE: it cannot be acknowledged against a control id, nor kept as a duplicate key.
 */
export function parseMessage(text: string): Parsed {
  const body = text.replace(/^[\r\n]+/, '');
  if (!/^MSH[^A-Za-z0-9\r\n]/.test(body) || body.length < 8) throw hl7Problem('unparseable');
  let message: Hl7Message;
  try {
    message = Hl7Message.parse(body);
  } catch {
    throw hl7Problem('unparseable');
  }
  // The parser keeps a trailing empty line as a segment with no name; drop those.
  const segments = message.segments.filter((s) => s.name !== '');
  message = new Hl7Message(segments, message.context);
  const msh: Seg = { seg: message.header, seq: 1 };
  const envelope: Envelope = {
    sendingApp: comp(msh, 3),
    sendingFacility: comp(msh, 4),
    receivingApp: comp(msh, 5),
    receivingFacility: comp(msh, 6),
    controlId: comp(msh, 10),
    messageType: [comp(msh, 9, 1), comp(msh, 9, 2)].filter(Boolean).join('^'),
    version: comp(msh, 12),
  };
  if (
    !envelope.controlId ||
    !envelope.sendingFacility ||
    envelope.controlId.length > MAX_KEY ||
    envelope.sendingFacility.length > MAX_KEY
  )
    throw hl7Problem('unparseable', '无法解析的消息：缺少发送机构（MSH-4）或消息控制号（MSH-10）。');
  return { message, envelope };
}

/**
 * What the platform accepts (AR otherwise): ADT^A01/A03/A04/A08 and ORU^R01, production messages
 * (MSH-11 P), HL7 v2.x. The fields read are the same from v2.3 to v2.8.
 */
export function acceptedKind(parsed: Parsed): MessageKind {
  const msh: Seg = { seg: parsed.message.header, seq: 1 };
  const type = comp(msh, 9, 1).toUpperCase();
  // v2.1-style messages put the event in EVN-1 instead of MSH-9.2.
  const evn = parsed.message.getSegment('EVN');
  const event = (comp(msh, 9, 2) || (evn ? comp({ seg: evn, seq: 1 }, 1) : '')).toUpperCase();
  if (!EVENTS[type]) throw hl7Problem('unsupportedType', undefined, { segment: 'MSH', field: 9 });
  if (!EVENTS[type]!.includes(event))
    throw hl7Problem('unsupportedEvent', undefined, { segment: 'MSH', field: 9, component: 2 });
  const processing = comp(msh, 11, 1).toUpperCase();
  if (processing && processing !== 'P')
    throw hl7Problem('unsupportedProcessingId', undefined, { segment: 'MSH', field: 11 });
  if (!/^2(\.\d+){1,2}$/.test(parsed.envelope.version))
    throw hl7Problem('unsupportedVersion', undefined, { segment: 'MSH', field: 12 });
  return `${type}^${event}` as MessageKind;
}

/** The segments of one name with their 1-based sequence (for ERR-2 and details). */
export function segmentsOf(message: Hl7Message, name: string): Seg[] {
  return message.getAllSegments(name).map((seg, i) => ({ seg, seq: i + 1 }));
}

/** The first segment of a name, or undefined. */
export function firstSegment(message: Hl7Message, name: string): Seg | undefined {
  const seg = message.getSegment(name);
  return seg ? { seg, seq: 1 } : undefined;
}
