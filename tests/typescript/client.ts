// A front-end's calls, written against the client openapi-typescript
// generates from the served /openapi.json (.ci/typescript-client runs
// `tsc --noEmit` over it). If the document stops marking required fields,
// or a response loses a field these calls read, this stops compiling.
// openapi-fetch: https://openapi-ts.dev/openapi-fetch/ ;
// openapi-typescript: https://openapi-ts.dev/introduction

import createClient from "openapi-fetch";
import type { components, paths } from "./generated/api";

type Problem = components["schemas"]["Problem"];

const api = createClient<paths>({ baseUrl: "http://127.0.0.1:8080" });

/** What a failed call shows a reader: the problem's stable code and detail. */
function explain(problem: Problem): string {
  const fields = (problem.errors ?? []).map((e) => `${e.field}: ${e.code}`);
  return [`${problem.status} ${problem.code}: ${problem.detail}`, ...fields].join("\n");
}

export async function signUp(email: string, password: string, name: string): Promise<string> {
  const { data, error } = await api.POST("/v1/auth/signup", {
    body: { email, password, name },
  });
  if (error) throw new Error(explain(error));
  const verified: boolean = data.reader.email_verified;
  console.log(`signed up ${data.reader.email} (verified: ${verified})`);
  return data.access_token;
}

export async function logIn(email: string, password: string): Promise<{ access: string; expiresIn: number }> {
  const { data, error } = await api.POST("/v1/auth/login", { body: { email, password } });
  if (error) throw new Error(explain(error));
  return { access: data.access_token, expiresIn: data.expires_in };
}

export async function readArticle(slug: string, access?: string): Promise<string> {
  const { data, error } = await api.GET("/v1/articles/{slug}", {
    params: { path: { slug } },
    ...(access ? { headers: { authorization: `Bearer ${access}` } } : {}),
  });
  if (error) throw new Error(explain(error));
  const granted: boolean = data.access.granted;
  return data.is_teaser || !granted ? `${data.title} (teaser)\n\n${data.body}` : data.body;
}

export async function checkOut(access: string): Promise<string> {
  const { data, error } = await api.POST("/v1/billing/checkout", {
    headers: { authorization: `Bearer ${access}` },
    body: { tier: "digital", interval: "month" },
  });
  if (error) throw new Error(explain(error));
  const id: string = data.checkout_id;
  console.log(`checkout ${id}`);
  return data.url;
}

// The contract's required fields are required in the generated types too.
export async function refusedAtCompileTime(): Promise<void> {
  // @ts-expect-error: signup needs a password
  await api.POST("/v1/auth/signup", { body: { email: "ada@example.com", name: "Ada" } });
  // @ts-expect-error: login needs an email
  await api.POST("/v1/auth/login", { body: { password: "correct horse battery" } });
  await api.POST("/v1/billing/checkout", {
    headers: { authorization: "Bearer x" },
    // @ts-expect-error: checkout needs an interval
    body: { tier: "digital" },
  });
}
