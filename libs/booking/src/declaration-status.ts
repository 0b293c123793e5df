/**
 * A declaration's statuses and who may move it where, as data for the statements' `WHERE`
 * (as booking-status.ts does for bookings). Null: nothing filed.
 */
export const DECLARATION_STATUSES = ['submitted', 'accepted', 'rejected', 'inspection', 'reopened'] as const;
export type DeclarationStatus = (typeof DECLARATION_STATUSES)[number];

/** Customs' answers, which port staff record over any filed declaration. */
export const DECLARATION_ANSWERS = ['accepted', 'rejected', 'inspection'] as const;

/**
 * What the firm may file over (besides nothing). An accepted declaration is customs' word the truck crosses on:
 * only staff reopen it (to `reopened`), and from there the firm may replace it.
 */
export const REPLACEABLE: readonly DeclarationStatus[] = DECLARATION_STATUSES.filter((s) => s !== 'accepted');

/** What staff may reopen. */
export const REOPENABLE: readonly DeclarationStatus[] = ['accepted'];
