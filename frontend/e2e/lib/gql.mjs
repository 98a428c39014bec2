/** GraphQL through the signed-in page's own session (cookie + X-CSRFToken), as the app itself calls it. */
export async function gql(page, query, variables = {}) {
  const body = await page.evaluate(
    async ({ query, variables }) => {
      const csrf = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/)?.[1] ?? '';
      const res = await fetch('/graphql', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', 'X-CSRFToken': csrf },
        body: JSON.stringify({ query, variables }),
      });
      return res.json();
    },
    { query, variables },
  );
  if (body.errors?.length) throw new Error(`GraphQL: ${JSON.stringify(body.errors)}`);
  return body.data;
}
