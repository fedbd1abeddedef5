/**
 * The API token the page sends when the service closes reads (READS_REQUIRE_TOKEN=1). Kept in
 * sessionStorage: it lives as long as the tab, and is not shared with other sites or tabs.
 */
const KEY = 'virtio-matrix-token';

export function currentToken(): string | null {
  return sessionStorage.getItem(KEY);
}

/** Wires the header's token form: Use stores it and reloads the view, Forget clears it. */
export function bindTokenForm(onChange: () => void): void {
  const form = document.getElementById('token-form') as HTMLFormElement;
  const input = document.getElementById('token') as HTMLInputElement;
  input.value = currentToken() ?? '';
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const value = input.value.trim();
    if (value) sessionStorage.setItem(KEY, value);
    else sessionStorage.removeItem(KEY);
    onChange();
  });
  document.getElementById('token-clear')!.addEventListener('click', () => {
    sessionStorage.removeItem(KEY);
    input.value = '';
    onChange();
  });
}
