import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The audit chain is extended by the database, not by the app (docs/audit.md): `audit_chain(batch)`, a SECURITY
 * DEFINER function owned by the tables' owner, drains `audit_pending` in `id` order and appends each entry to
 * `audit_log` with its seq, prev_hash and hash. The app's role keeps only what a writer needs: INSERT of an entry's
 * fields into `audit_pending` (not its id), SELECT, and EXECUTE of audit_chain. It may no longer UPDATE or DELETE
 * a pending entry, INSERT into `audit_log`, or setval the pending ids, so holding the chain's lock gives it nothing.
 *
 * The hash is the one libs/audit/src/audit-chain.ts (chainHash) computes and verify checks: SHA-256 of prev_hash,
 * "\n" and the row's canonical JSON. Rows chained before this migration keep verifying. Canonical JSON is the
 * JavaScript one, so the functions below copy JavaScript where jsonb's text differs: keys sorted by UTF-16 code
 * units, numbers as JSON.parse then JSON.stringify print them (the shortest digits that read back as the same
 * double, boundary cases included), strings escaped as JSON.stringify does (jsonb's escaping is the same).
 */
export class AuditChainInDatabase1796036400000 implements MigrationInterface {
    name = 'AuditChainInDatabase1796036400000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        // Entries the chain can hash as JavaScript does: a four-digit year (JavaScript prints others as ±YYYYYY, or
        // cannot hold them), and nesting shallow enough for a recursive canonical form. An entry beyond either would
        // stop the chain or chain a hash verify cannot reproduce; refusing it fails only its own writer.
        await queryRunner.query(`ALTER TABLE "audit_pending" ADD CONSTRAINT "chk_audit_pending_chainable" CHECK ("at" >= '1900-01-01 00:00:00+00' AND "at" < '10000-01-01 00:00:00+00' AND NOT jsonb_path_exists("data", 'strict $.**{32 to last}') AND NOT jsonb_path_exists(COALESCE("actor", 'null'), 'strict $.**{32 to last}'))`);

        // JavaScript orders keys by UTF-16 code units, Postgres ("C") by code points: they differ only between
        // U+E000..U+FFFF and the characters past U+FFFF (surrogate pairs, D800..DFFF, sort first in UTF-16). Each
        // of those two kinds gets a two-character prefix that sorts as UTF-16 would; every other key is unchanged.
        // No backslash in any literal of these functions: a caller's standard_conforming_strings = off would read
        // it otherwise, in the plans its session keeps.
        await queryRunner.query(`CREATE FUNCTION audit_js_key(k text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
            SELECT pg_catalog.regexp_replace(
              pg_catalog.regexp_replace(k, '([' || pg_catalog.chr(57344) || '-' || pg_catalog.chr(65535) || '])', pg_catalog.chr(57345) || pg_catalog.chr(92) || '1', 'g'),
              '([' || pg_catalog.chr(65536) || '-' || pg_catalog.chr(1114111) || '])', pg_catalog.chr(57344) || pg_catalog.chr(92) || '1', 'g')
          $$`);
        // JSON.stringify(JSON.parse(n)): the double nearest n, printed with the fewest digits that read back as it.
        // Postgres prints doubles that way too (Ryu), but never picks a number exactly half-way to the next double,
        // which JavaScript does when the double's last bit is even; such a number is shorter only for integers past
        // 2^53, where it is computed exactly. Then JavaScript's layout: plain from 1e-6 to 1e21, else d.ddde±x.
        await queryRunner.query(`CREATE FUNCTION audit_js_number(n numeric) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET extra_float_digits = 1 AS $$
            DECLARE
              f float8;
              b bytea;
              m text[];
              digits text;
              point int;
              k int;
              sign text := '';
              ulp numeric;
              x numeric;
              half text;
            BEGIN
              IF abs(n) BETWEEN 1e-300 AND 1e300 OR n = 0 THEN
                f := n::float8;
              ELSE
                BEGIN
                  f := n::float8;
                EXCEPTION WHEN numeric_value_out_of_range THEN
                  -- JSON.parse gives Infinity (printed null) or 0.
                  RETURN CASE WHEN abs(n) > 1 THEN 'null' ELSE '0' END;
                END;
              END IF;
              IF f = 0 THEN RETURN '0'; END IF;
              IF f < 0 THEN sign := '-'; f := -f; END IF;
              m := regexp_match(f::text, '^([0-9]+)(?:[.]([0-9]+))?(?:e([-+][0-9]+))?$');
              digits := m[1] || coalesce(m[2], '');
              point := length(m[1]) + coalesce(m[3]::int, 0) - (length(digits) - length(ltrim(digits, '0')));
              digits := rtrim(ltrim(digits, '0'), '0');
              IF f >= 9007199254740992 THEN
                b := float8send(f);
                IF get_byte(b, 7) & 1 = 0 THEN
                  ulp := power(2::numeric, (((get_byte(b, 0) & 127) << 4) | (get_byte(b, 1) >> 4)) - 1075);
                  x := round(f::text::numeric / ulp) * ulp;
                  -- The two half-way points; below a power of two the gap is half as wide.
                  FOREACH half IN ARRAY ARRAY[
                    trunc(x - CASE WHEN get_byte(b, 1) & 15 = 0 AND substr(b, 3) = decode('000000000000', 'hex') THEN ulp / 4 ELSE ulp / 2 END)::text,
                    trunc(x + ulp / 2)::text] LOOP
                    IF length(rtrim(half, '0')) < length(digits) THEN
                      digits := rtrim(half, '0');
                      point := length(half);
                    END IF;
                  END LOOP;
                END IF;
              END IF;
              k := length(digits);
              IF k <= point AND point <= 21 THEN RETURN sign || digits || repeat('0', point - k); END IF;
              IF 0 < point AND point <= 21 THEN RETURN sign || left(digits, point) || '.' || substr(digits, point + 1); END IF;
              IF -6 < point AND point <= 0 THEN RETURN sign || '0.' || repeat('0', -point) || digits; END IF;
              RETURN sign || left(digits, 1) || CASE WHEN k > 1 THEN '.' || substr(digits, 2) ELSE '' END
                || 'e' || CASE WHEN point > 0 THEN '+' ELSE '-' END || abs(point - 1);
            END $$`);
        // canonical() of audit-chain.ts: sorted keys at every depth, no spaces; SQL NULL and JSON null are "null".
        // Objects and arrays in PL/pgSQL, the rest in an SQL function its queries inline: a call per value costs.
        await queryRunner.query(`CREATE FUNCTION audit_canonical_container(v jsonb) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
            BEGIN
              IF jsonb_typeof(v) = 'object' THEN
                RETURN '{' || coalesce((SELECT string_agg(to_json(e.key)::text || ':' || public.audit_canonical(e.value), ',' ORDER BY public.audit_js_key(e.key) COLLATE "C")
                                        FROM jsonb_each(v) AS e), '') || '}';
              END IF;
              RETURN '[' || coalesce((SELECT string_agg(public.audit_canonical(e.value), ',' ORDER BY e.i)
                                      FROM jsonb_array_elements(v) WITH ORDINALITY AS e(value, i)), '') || ']';
            END $$`);
        await queryRunner.query(`CREATE FUNCTION audit_canonical(v jsonb) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT CASE pg_catalog.jsonb_typeof(v)
              WHEN 'object' THEN public.audit_canonical_container(v)
              WHEN 'array' THEN public.audit_canonical_container(v)
              WHEN 'string' THEN v::text
              WHEN 'boolean' THEN v::text
              -- Most numbers are small integers: those print as themselves.
              WHEN 'number' THEN CASE WHEN v::numeric = pg_catalog.trunc(v::numeric) AND pg_catalog.abs(v::numeric) < 9007199254740992
                                      THEN pg_catalog.trunc(v::numeric)::text ELSE public.audit_js_number(v::numeric) END
              ELSE 'null'
            END
          $$`);
        // The chainer. One at a time (a second caller gets 0 at once); the owner's rights, so the app's role needs
        // none on the tables it writes. search_path fixed, pg_temp last and every table qualified: a temporary
        // table of the caller's named audit_log or audit_pending must not stand in for the real one.
        await queryRunner.query(`CREATE FUNCTION audit_chain(batch int) RETURNS int LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = pg_catalog, public, pg_temp SET extra_float_digits = 1 SET standard_conforming_strings = on AS $$
            DECLARE
              head_seq bigint;
              head_hash text;
              next_hash text;
              at_ms timestamptz;
              r record;
              taken bigint[] := '{}';
            BEGIN
              IF batch IS NULL OR batch < 1 OR batch > 10000 THEN
                RAISE EXCEPTION 'audit_chain: batch must be 1 to 10000, not %', batch USING ERRCODE = 'invalid_parameter_value';
              END IF;
              IF NOT pg_try_advisory_xact_lock(hashtext('kouan:audit-chain')) THEN RETURN 0; END IF;
              SELECT l.seq, l.hash INTO head_seq, head_hash FROM public.audit_log l ORDER BY l.seq DESC LIMIT 1;
              head_seq := coalesce(head_seq, 0);
              head_hash := coalesce(head_hash, repeat('0', 64));
              FOR r IN SELECT p.* FROM public.audit_pending p ORDER BY p.id LIMIT batch FOR UPDATE SKIP LOCKED LOOP
                head_seq := head_seq + 1;
                -- Stored and hashed at millisecond precision, as JavaScript reads it back.
                at_ms := date_trunc('milliseconds', r.at);
                next_hash := encode(sha256(convert_to(head_hash || chr(10)
                  || '{"actor":' || public.audit_canonical(r.actor)
                  || ',"at":"' || to_char(at_ms AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
                  || '","bookingId":' || coalesce(to_json(r.booking_id::text)::text, 'null')
                  || ',"data":' || public.audit_canonical(r.data)
                  || ',"portCode":' || coalesce(to_json(r.port_code::text)::text, 'null')
                  || ',"seq":' || head_seq
                  || ',"type":' || to_json(r.type::text)::text || '}', 'UTF8')), 'hex');
                INSERT INTO public.audit_log (seq, at, type, actor, port_code, booking_id, data, prev_hash, hash)
                  VALUES (head_seq, at_ms, r.type, r.actor, r.port_code, r.booking_id, r.data, head_hash, next_hash);
                head_hash := next_hash;
                taken := taken || r.id;
              END LOOP;
              DELETE FROM public.audit_pending WHERE id = ANY (taken);
              RETURN cardinality(taken);
            END $$`);
        // Only the app's role runs the chainer; nobody but the owner runs its parts (a session's plans of them, made
        // under that session's settings, would be reused inside audit_chain).
        await queryRunner.query(`REVOKE ALL ON FUNCTION audit_chain(int), audit_canonical(jsonb), audit_canonical_container(jsonb), audit_js_number(numeric), audit_js_key(text) FROM PUBLIC`);
        await queryRunner.query(`REVOKE ALL ON "audit_pending", "audit_log" FROM PUBLIC`);
        await queryRunner.query(`REVOKE ALL ON SEQUENCE "audit_pending_id_seq" FROM PUBLIC`);
        // As in AppRole: without kouan_app (a migrating role that may not create roles) an administrator runs these.
        await queryRunner.query(`DO $$ BEGIN
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kouan_app') THEN
              REVOKE ALL ON "audit_pending" FROM kouan_app;
              GRANT SELECT ON "audit_pending" TO kouan_app;
              GRANT INSERT ("at", "type", "actor", "port_code", "booking_id", "data") ON "audit_pending" TO kouan_app;
              REVOKE ALL ON SEQUENCE "audit_pending_id_seq" FROM kouan_app;
              GRANT USAGE ON SEQUENCE "audit_pending_id_seq" TO kouan_app;
              REVOKE ALL ON "audit_log" FROM kouan_app;
              GRANT SELECT ON "audit_log" TO kouan_app;
              GRANT EXECUTE ON FUNCTION audit_chain(int) TO kouan_app;
            END IF;
          END $$`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DO $$ BEGIN
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kouan_app') THEN
              GRANT INSERT ON "audit_log" TO kouan_app;
              GRANT USAGE, SELECT, UPDATE ON SEQUENCE "audit_pending_id_seq" TO kouan_app;
              -- Revoking the table's rights drops the column grants too.
              REVOKE ALL ON "audit_pending" FROM kouan_app;
              GRANT SELECT, INSERT, UPDATE, DELETE ON "audit_pending" TO kouan_app;
            END IF;
          END $$`);
        await queryRunner.query(`DROP FUNCTION audit_chain(int)`);
        await queryRunner.query(`DROP FUNCTION audit_canonical(jsonb)`);
        await queryRunner.query(`DROP FUNCTION audit_canonical_container(jsonb)`);
        await queryRunner.query(`DROP FUNCTION audit_js_number(numeric)`);
        await queryRunner.query(`DROP FUNCTION audit_js_key(text)`);
        await queryRunner.query(`ALTER TABLE "audit_pending" DROP CONSTRAINT "chk_audit_pending_chainable"`);
    }
}
