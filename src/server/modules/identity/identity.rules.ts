// The identity rules are pure and shared with the web app's form checks: one implementation of ID-2.
export * from '../../../shared/identity.js';
