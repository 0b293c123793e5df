import { QueryFailedError } from 'typeorm';
import { DomainError } from '@kouan/common';
import { replicaFault } from '@kouan/db';

/** An error as pg raises it: a SQLSTATE or a socket code on `code`. */
const pgError = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});
/** The same error as rows() and TypeORM hand it on: wrapped, the driver's error inside. */
const wrapped = (e: Error) => new QueryFailedError('SELECT 1', [], e);

describe('replicaFault', () => {
  it('blames the replica for what a server that is away does: refused, reset, timed out, shut down, terminated', () => {
    for (const e of [
      pgError('connect ECONNREFUSED 127.0.0.1:5433', 'ECONNREFUSED'),
      wrapped(pgError('read ECONNRESET', 'ECONNRESET')),
      pgError('timeout exceeded when trying to connect'),
      wrapped(pgError('Connection terminated unexpectedly')),
      wrapped(pgError('terminating connection due to administrator command', '57P01')),
      pgError('the database system is starting up', '57P03'),
      pgError('sorry, too many clients already', '53300'),
      pgError('connection failure', '08006'),
    ]) {
      expect(replicaFault(e)).toBe('down');
    }
  });

  it('takes a cancellation for a conflict with recovery as the standby’s, without resting it', () => {
    const e = wrapped(pgError('canceling statement due to conflict with recovery', '40001'));
    expect(replicaFault(e)).toBe('conflict');
  });

  it('leaves to the caller what the primary would answer the same: SQL errors and domain errors', () => {
    for (const e of [
      wrapped(pgError('relation "nope" does not exist', '42P01')),
      wrapped(pgError('invalid input syntax for type date', '22007')),
      new DomainError('not_found', 'port NOPE'),
      new Error('a bug'),
      undefined,
      'text',
    ]) {
      expect(replicaFault(e)).toBeUndefined();
    }
  });
});
