import type { Statement } from "@effect/sql"
import * as SqlClient from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect, Option, Stream } from "effect"
import pg from "pg"

/**
 * Fewer round trips per transaction, by sending statements together in one simple query.
 *
 * The pg driver waits for the server after every statement, and the server does not care how many
 * statements one simple query carries. A transaction's connection is wrapped in a
 * {@link BatchingConnection}, which
 *
 * - sends nothing at BEGIN: the BEGIN and the scope's settings ride on the transaction's first
 *   statement (a transaction that runs no statement costs no round trip at all);
 * - holds back the writes whose result nobody reads ({@link deferredWrite}: audit entries, outbox
 *   events, a story's new state) and sends them in front of the next statement, or with COMMIT, so
 *   every statement still sees every earlier write of its transaction;
 * - sends a ROLLBACK only when something was sent.
 *
 * The simple-query protocol has no parameters, so a statement sent together with others has its
 * parameters written into it as literals. They are written exactly as the pg driver would send
 * them (its own `prepareValue`), as quoted literals of unknown type, which the server types from
 * their context as it types an untyped parameter. The meaning of every statement is unchanged.
 */

/** The most parameters a statement has written into it as literals; a larger one is sent alone. */
const inlinedParametersAtMost = 512

/** A compiled statement: its SQL with `$n` placeholders, and their values. */
type Compiled = readonly [sql: string, params: ReadonlyArray<unknown>]

/**
 * The text the pg driver sends for a parameter (its `prepareValue`, which its types do not
 * declare): null for null and undefined, bytes as they are, a date as its instant, an array as an
 * array literal, another object as JSON, anything else as its string.
 */
const driverText = (value: unknown): string | Buffer | null => {
  if (value === null || value === undefined) return null
  if (Buffer.isBuffer(value)) return value
  if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) return arrayLiteral(value)
  if (typeof value === "object") return JSON.stringify(value)
  return String(value)
}

/** An array literal as the pg driver writes it: each element quoted and escaped, nulls bare. */
const arrayLiteral = (values: ReadonlyArray<unknown>): string =>
  `{${values
    .map((element) => {
      if (element === null || element === undefined) return "NULL"
      if (Array.isArray(element)) return arrayLiteral(element)
      const text = driverText(element)
      const plain = Buffer.isBuffer(text) ? `\\x${text.toString("hex")}` : String(text)
      return `"${plain.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`
    })
    .join(",")}}`

/** A literal the server reads as the text the pg driver would send for `value`, of unknown type. */
const literalOf = (value: unknown): string => {
  const text = driverText(value)
  if (text === null) return "NULL"
  return pg.escapeLiteral(Buffer.isBuffer(text) ? `\\x${text.toString("hex")}` : text)
}

const isIdentifierStart = (c: string) => /[A-Za-z_\u0080-\uffff]/.test(c)
const isIdentifierPart = (c: string) => /[A-Za-z0-9_\u0080-\uffff]/.test(c)
const isDigit = (c: string) => c >= "0" && c <= "9"

/**
 * `sql` with each `$n` placeholder replaced by the literal of `params[n - 1]`. Placeholders are
 * looked for only in the statement's own text: not in string literals, quoted identifiers,
 * comments or dollar-quoted bodies.
 */
export const inlineParameters = (sql: string, params: ReadonlyArray<unknown>): string => {
  if (params.length === 0) return sql
  let out = ""
  let i = 0
  const n = sql.length
  while (i < n) {
    const c = sql.charAt(i)
    const next = sql.charAt(i + 1)
    if (c === "'") {
      // A string literal; an E'' string may escape a quote with a backslash.
      const escapes = i > 0 && /[eE]/.test(sql.charAt(i - 1)) && !isIdentifierPart(sql.charAt(i - 2))
      let j = i + 1
      while (j < n) {
        const d = sql.charAt(j)
        if (escapes && d === "\\") j += 2
        else if (d === "'" && sql.charAt(j + 1) === "'") j += 2
        else if (d === "'") break
        else j += 1
      }
      out += sql.slice(i, j + 1)
      i = j + 1
    } else if (c === '"') {
      const end = sql.indexOf('"', i + 1)
      const stop = end === -1 ? n : end + 1
      out += sql.slice(i, stop)
      i = stop
    } else if (c === "-" && next === "-") {
      const end = sql.indexOf("\n", i)
      const stop = end === -1 ? n : end
      out += sql.slice(i, stop)
      i = stop
    } else if (c === "/" && next === "*") {
      const end = sql.indexOf("*/", i + 2)
      const stop = end === -1 ? n : end + 2
      out += sql.slice(i, stop)
      i = stop
    } else if (c === "$" && isDigit(next) && !isIdentifierPart(sql.charAt(i - 1))) {
      let j = i + 1
      while (j < n && isDigit(sql.charAt(j))) j += 1
      const index = Number(sql.slice(i + 1, j)) - 1
      if (index < 0 || index >= params.length) throw new Error(`no value for placeholder ${sql.slice(i, j)}`)
      out += literalOf(params[index])
      i = j
    } else if (
      c === "$" &&
      !isIdentifierPart(sql.charAt(i - 1)) &&
      (next === "$" || isIdentifierStart(next))
    ) {
      // A dollar-quoted body, $$…$$ or $tag$…$tag$, is copied whole.
      let j = i + 1
      while (j < n && isIdentifierPart(sql.charAt(j))) j += 1
      if (sql.charAt(j) === "$") {
        const tag = sql.slice(i, j + 1)
        const end = sql.indexOf(tag, j + 1)
        const stop = end === -1 ? n : end + tag.length
        out += sql.slice(i, stop)
        i = stop
      } else {
        out += c
        i += 1
      }
    } else {
      out += c
      i += 1
    }
  }
  return out
}

type Row = Readonly<Record<string, unknown>>

const isRow = (value: unknown): value is Row =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * The rows of the last statement of a multi-statement simple query: the pg driver answers one
 * row array per statement, the PGlite client only the last statement's rows.
 */
export const lastStatementRows = (result: ReadonlyArray<unknown>): ReadonlyArray<Row> => {
  const last = result.every(Array.isArray) ? result.at(-1) : result
  return Array.isArray(last) ? last.filter(isRow) : []
}

/**
 * The connection of one transaction, holding back its BEGIN and its deferred writes until a
 * statement goes out. Not shared: a transaction's statements run one after the other.
 */
export class BatchingConnection implements Connection {
  /** What the next statement carries in front of it: the BEGIN with its settings, then held writes. */
  private ahead: Array<string> = []
  /** Whether anything has been sent, so that the server holds an open transaction. */
  private sent = false

  constructor(private readonly connection: Connection) {}

  /** The transaction starts with `begin` (BEGIN and its settings), sent with the first statement. */
  begin(begin: string): Effect.Effect<void> {
    return Effect.sync(() => {
      this.ahead = [begin]
      this.sent = false
    })
  }

  /** Holds `statement` back until the next statement or the COMMIT. */
  defer([sql, params]: Compiled): Effect.Effect<void, SqlError> {
    if (params.length > inlinedParametersAtMost) return Effect.asVoid(this.run(sql, params, undefined))
    return Effect.sync(() => {
      this.ahead.push(inlineParameters(sql, params))
    })
  }

  /** Sends what is held, alone (before a statement that cannot carry it). */
  private flush(): Effect.Effect<void, SqlError> {
    if (this.ahead.length === 0) return Effect.void
    const text = this.ahead.join(";\n")
    this.ahead = []
    this.sent = true
    return Effect.asVoid(this.connection.executeUnprepared(text, [], undefined))
  }

  /** Runs `sql` with what is held in front of it, in one round trip when something is. */
  private run(
    sql: string,
    params: ReadonlyArray<unknown>,
    transformRows: (<A extends object>(rows: ReadonlyArray<A>) => ReadonlyArray<A>) | undefined,
  ): Effect.Effect<ReadonlyArray<unknown>, SqlError> {
    if (this.ahead.length === 0) {
      this.sent = true
      return this.connection.execute(sql, params, transformRows)
    }
    // A large statement (a batch insert of an import) goes with its parameters: writing thousands
    // of literals would cost more than the round trip it saves.
    if (params.length > inlinedParametersAtMost)
      return Effect.zipRight(this.flush(), this.connection.execute(sql, params, transformRows))
    const text = [...this.ahead, inlineParameters(sql, params)].join(";\n")
    this.ahead = []
    this.sent = true
    return Effect.map(this.connection.executeUnprepared(text, [], undefined), (result) => {
      const rows = lastStatementRows(result)
      return transformRows === undefined ? rows : transformRows(rows)
    })
  }

  /** COMMIT, carrying the held writes; nothing at all when the transaction never reached the server. */
  commit(): Effect.Effect<void, SqlError> {
    if (!this.sent && this.ahead.length <= 1) {
      this.ahead = []
      return Effect.void
    }
    const text = [...this.ahead, "COMMIT"].join(";\n")
    this.ahead = []
    // A held write that fails aborts the transaction before the COMMIT runs: roll it back, so the
    // connection goes back to the pool outside any transaction.
    return Effect.tapError(Effect.asVoid(this.connection.executeUnprepared(text, [], undefined)), () =>
      Effect.ignore(this.connection.executeUnprepared("ROLLBACK", [], undefined)),
    )
  }

  /** ROLLBACK; the held writes are dropped, and nothing is sent when nothing was. */
  rollback(): Effect.Effect<void, SqlError> {
    this.ahead = []
    return this.sent
      ? Effect.asVoid(this.connection.executeUnprepared("ROLLBACK", [], undefined))
      : Effect.void
  }

  /** SAVEPOINT, after the held writes (which belong before it). */
  savepoint(name: string): Effect.Effect<void, SqlError> {
    return Effect.asVoid(this.run(`SAVEPOINT ${name}`, [], undefined))
  }

  /** ROLLBACK TO SAVEPOINT: the writes held since the savepoint are dropped with it. */
  rollbackSavepoint(name: string): Effect.Effect<void, SqlError> {
    this.ahead = []
    return Effect.asVoid(this.connection.executeUnprepared(`ROLLBACK TO SAVEPOINT ${name}`, [], undefined))
  }

  execute(
    sql: string,
    params: ReadonlyArray<unknown>,
    transformRows: (<A extends object>(rows: ReadonlyArray<A>) => ReadonlyArray<A>) | undefined,
  ) {
    return this.run(sql, params, transformRows)
  }

  executeUnprepared(
    sql: string,
    params: ReadonlyArray<unknown>,
    transformRows: (<A extends object>(rows: ReadonlyArray<A>) => ReadonlyArray<A>) | undefined,
  ) {
    return this.run(sql, params, transformRows)
  }

  executeRaw(sql: string, params: ReadonlyArray<unknown>) {
    return Effect.zipRight(this.flush(), this.connection.executeRaw(sql, params))
  }

  executeValues(sql: string, params: ReadonlyArray<unknown>) {
    return Effect.zipRight(this.flush(), this.connection.executeValues(sql, params))
  }

  executeStream(
    sql: string,
    params: ReadonlyArray<unknown>,
    transformRows: (<A extends object>(rows: ReadonlyArray<A>) => ReadonlyArray<A>) | undefined,
  ) {
    return Stream.unwrap(Effect.as(this.flush(), this.connection.executeStream(sql, params, transformRows)))
  }
}

/**
 * Runs a write (or a row lock) whose result nobody reads. In a batching transaction it is held back and sent with
 * the next statement or the COMMIT, so it costs no round trip of its own; elsewhere it runs now.
 * A failure of a held write fails the statement it travels with (or the COMMIT), and the whole
 * transaction with it, so it must be a write that is expected not to fail.
 */
export const deferredWrite = <A>(statement: Statement.Statement<A>): Effect.Effect<void, SqlError> =>
  Effect.flatMap(Effect.serviceOption(SqlClient.TransactionConnection), (transaction) => {
    if (Option.isSome(transaction)) {
      const [connection] = transaction.value
      if (connection instanceof BatchingConnection) return connection.defer(statement.compile())
    }
    return Effect.asVoid(statement)
  })
