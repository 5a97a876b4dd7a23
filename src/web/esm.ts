/**
 * antd and antd-mobile ship CommonJS-style typings for their locale files, so under NodeNext
 * TypeScript sees `{ default: Locale }` while Vite hands over the Locale itself. This accepts both.
 */
export function unwrapDefault<T>(module: T | { default: T }): T {
  const inner = (module as { default?: T }).default;
  return inner ?? (module as T);
}
