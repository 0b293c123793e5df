/** A firm's strikes as the admin's list shows them. */
export interface FirmStrikes {
  strikes30d: number;
  noShows30d: number;
}

/**
 * The standing of firms in `GET /firms`, served under this lib's `/firms`. Strikes are counted from bookings, the
 * booking lib's, a layer above this one, so this lib declares the need and the booking lib provides it
 * (`FirmStandingsModule`, registered by the API). Without a provider the API refuses to boot.
 */
export abstract class FirmStandings {
  /** Each firm's strikes and no-shows of the last 30 days, by firm id (a firm not in the map has none). */
  abstract of(firmIds: string[]): Promise<Map<string, FirmStrikes>>;
}
