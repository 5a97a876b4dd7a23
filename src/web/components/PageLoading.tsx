/** A centred spinner while a lazy console loads or the stored session is checked; no library needed. */
export function PageLoading() {
  return (
    <div className="page-loading" role="status" aria-live="polite">
      <span className="page-loading__dot" />
    </div>
  );
}
