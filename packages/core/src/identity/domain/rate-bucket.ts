/** One counter a request counts in, with its limit. */
export interface RateBucket {
  readonly bucket: string
  readonly limit: number
}

/**
 * The counts after a hit, bucket by bucket in order, up to and including the first bucket that
 * refused (the port does not count a refused request in the buckets after it, and gives back
 * its count in the buckets before it).
 */
export type RateCounts = ReadonlyArray<number>
