/** Mainland mobile numbers: 11 digits starting 13–19. The server checks again. */
export const PHONE_PATTERN = /^1[3-9]\d{9}$/;
