/** The dashboard page: filled in with the heatmap query (see README). */
export function dashboardHtml(): string {
  return '<!doctype html><title>virtio-matrix</title><p>virtio-matrix: GraphQL at <a href="/graphql">/graphql</a></p>';
}
