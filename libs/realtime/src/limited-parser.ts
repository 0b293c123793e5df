import { Decoder, Encoder } from 'socket.io-parser';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '@kouan/common';

/**
 * Largest message (engine.io's `maxHttpBufferSize`) a client may send. Clients send the handshake (a token of a
 * few hundred bytes) and `subscribe` {port, direction}; a larger message closes its connection unread.
 */
export const MAX_SOCKET_MESSAGE_BYTES = 64 * 1024;

/** An event's arguments sit in the packet's own array, one level below: each may nest as deep as an HTTP body. */
const MAX_PACKET_DEPTH = MAX_JSON_DEPTH + 1;

/**
 * Where a packet's JSON starts, read as socket.io-parser reads the head before it: the type, for a binary packet
 * the attachment count up to `-`, then a namespace from `/` to the first `,`. An ack id (digits) may follow;
 * scanning it changes no depth. A head the decoder refuses is scanned whole, which only errs on the safe side.
 */
function jsonStart(packet: string): number {
  let at = packet[0] === '5' || packet[0] === '6' ? packet.indexOf('-') + 1 : 1;
  if (packet[at] === '/') {
    const comma = packet.indexOf(',', at);
    at = comma < 0 ? packet.length : comma + 1;
  }
  return at;
}

/**
 * socket.io-parser's decoder, refusing a packet nested deeper than MAX_PACKET_DEPTH before JSON.parse (and the
 * recursive walk that rebuilds binary packets) sees it. Its error closes the client's connection (socket.io
 * treats any decoder error as a protocol violation), before any namespace middleware or handler runs, for
 * anonymous sockets and before a namespace is even joined.
 */
class DepthLimitedDecoder extends Decoder {
  override add(packet: unknown): void {
    if (typeof packet === 'string' && nestsDeeperThan(packet, MAX_PACKET_DEPTH, jsonStart(packet))) {
      throw new Error(`socket.io packet nested deeper than ${MAX_PACKET_DEPTH} levels`);
    }
    super.add(packet);
  }
}

/** socket.io's `parser` option: its own encoder, the depth-limited decoder. */
export const limitedParser = { Encoder, Decoder: DepthLimitedDecoder };
