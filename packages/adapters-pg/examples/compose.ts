/** The wiring shown in docs/storage.md and this package's README; type-checked with the tests. */
import { DatabaseLive, SqlPorts } from "@loopctl/adapters-pg"
import { LoopctlServices } from "@loopctl/core"
import { Layer } from "effect"

/** Every use case on the configured database: migrated, checked, ready. */
export const App = LoopctlServices.pipe(Layer.provideMerge(SqlPorts), Layer.provideMerge(DatabaseLive))
