import { Effect, Layer, Random } from "effect"
import { Ids } from "../../kernel/ports/ids.js"

const hex = (n: number) => n.toString(16).padStart(2, "0")

/**
 * Random v4 UUIDs drawn from Effect's `Random` service: no platform crypto needed, and a
 * seeded `Random` makes ids reproducible in tests.
 */
export const IdsRandom = Layer.succeed(
  Ids,
  Ids.of({
    uuid: Effect.map(Effect.all(Array.from({ length: 16 }, () => Random.nextIntBetween(0, 256))), (bytes) => {
      const b = bytes.map((byte, i) =>
        i === 6 ? (byte & 0x0f) | 0x40 : i === 8 ? (byte & 0x3f) | 0x80 : byte,
      )
      const h = b.map(hex).join("")
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
    }),
  }),
)
