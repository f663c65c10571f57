import { Context } from "effect"
import { defaultTenantSettingMaxima } from "../domain/tenant-setting-maxima.js"

/** The platform's configured maxima, read by the use cases; the defaults unless an edge provides them. */
export class PlatformLimits extends Context.Reference<PlatformLimits>()("@loopctl/core/PlatformLimits", {
  defaultValue: () => defaultTenantSettingMaxima,
}) {}
