import { PGlite } from "@electric-sql/pglite"
const db = await PGlite.create("memory://", { parsers: { 20: (v) => Number(v), 1184: (v) => "TS:" + v, 1114: (v) => "T:" + v } })
const r = await db.query("select 1.50::numeric n, 5::int8 b, now() t, '2026-03-27 12:00:00.1+02'::timestamptz t2, '2026-03-27 12:00:00'::timestamp t3, '{\"a\":1}'::jsonb j, array[now()] ta, null::timestamptz tn, true b2")
console.log(r.rows)
const r2 = await db.query("select $1::timestamptz t, $2::jsonb j, $3::uuid u, $4::int[] a", ["2026-03-27T12:00:00.123456Z", JSON.stringify({x:1}), "11111111-1111-1111-1111-111111111111", [1,2]])
console.log(r2.rows)
const r3 = await db.query("select $1::jsonb j", [{x:1}])
console.log(r3.rows)
try { await db.exec("select 1; select 2;") ; console.log("exec ok") } catch(e) { console.log(e.message) }
await db.close()
