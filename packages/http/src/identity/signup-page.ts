/**
 * `GET /signup`: one self-contained page (no external script, style or library) that runs the
 * WebAuthn signup against `POST /signup/options` and `POST /signup/complete`, then shows the
 * tenant's first API key once. Every value from the server is written with `textContent`, never
 * as HTML. The page gets one challenge and enrolls every authenticator against it; each later
 * authenticator excludes the ones already enrolled, so one key cannot be enrolled twice.
 */
export const signupPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign up — loopctl</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #1d2330; }
  h1 { font-size: 1.5rem; }
  label { display: block; margin-top: 0.75rem; font-weight: 600; }
  input { width: 100%; box-sizing: border-box; padding: 0.4rem; font-size: 1rem; }
  button { margin-top: 0.75rem; padding: 0.5rem 1rem; font-size: 1rem; cursor: pointer; }
  fieldset { margin-top: 1.25rem; border: 1px solid #c9ced8; }
  #status { margin-top: 1rem; min-height: 1.5rem; }
  .error { color: #a4161a; }
  #result code { display: block; padding: 0.75rem; background: #f2f4f8; word-break: break-all; font-size: 1.05rem; }
</style>
</head>
<body>
<h1>Create a loopctl tenant</h1>
<p>Signing up needs a hardware authenticator (a security key or your device's built-in one). Enroll one to
five of them; keep a backup. You get the tenant's first API key at the end, once.</p>
<form id="signup" novalidate>
  <label for="name">Tenant name</label>
  <input id="name" name="name" autocomplete="organization" required>
  <label for="slug">Slug (lowercase letters, digits, hyphens)</label>
  <input id="slug" name="slug" required>
  <label for="email">Contact email</label>
  <input id="email" name="email" type="email" autocomplete="email" required>
  <fieldset>
    <legend>Authenticators (<span id="count">0</span> of 5)</legend>
    <ol id="enrolled"></ol>
    <label for="authenticator-name">Name of the next authenticator</label>
    <input id="authenticator-name" placeholder="e.g. YubiKey on my keyring">
    <button type="button" id="enroll">Enroll authenticator</button>
  </fieldset>
  <button type="submit" id="create">Create tenant</button>
</form>
<div id="status" role="status" aria-live="polite"></div>
<div id="result" hidden>
  <h2>Your tenant is ready</h2>
  <p>This is its first API key (role <em>user</em>). It is shown <strong>only now</strong>: store it safely.</p>
  <code id="raw-key"></code>
  <p>Use it as <code>Authorization: Bearer &lt;key&gt;</code>, e.g. on <code>GET /api/v1/tenants/me</code>.</p>
</div>
<script>
(() => {
  "use strict";
  const maxAuthenticators = 5;
  const state = { challengeId: null, publicKey: null, enrolled: [] };
  const $ = (id) => document.getElementById(id);

  const toBytes = (base64url) => {
    const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
    const text = atob(padded);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  };
  const toBase64url = (buffer) => {
    const bytes = new Uint8Array(buffer);
    let text = "";
    for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
  };

  const say = (message, isError) => {
    const status = $("status");
    status.textContent = "";
    status.className = isError ? "error" : "";
    const lines = Array.isArray(message) ? message : [message];
    for (const line of lines) {
      const div = document.createElement("div");
      div.textContent = line;
      status.appendChild(div);
    }
  };

  const postJson = async (path, body) => {
    const response = await fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body),
    });
    let data = null;
    try { data = await response.json(); } catch (_) { data = null; }
    return { status: response.status, data };
  };

  const problemsOf = (data) => {
    const error = (data && data.error) || {};
    const lines = [error.message || "Something went wrong"];
    for (const [field, messages] of Object.entries(error.details || {}))
      for (const message of messages) lines.push(field + ": " + message);
    return lines;
  };

  const render = () => {
    const list = $("enrolled");
    list.textContent = "";
    for (const item of state.enrolled) {
      const li = document.createElement("li");
      li.textContent = item.label;
      list.appendChild(li);
    }
    $("count").textContent = String(state.enrolled.length);
    $("enroll").disabled = state.enrolled.length >= maxAuthenticators;
  };

  const startOver = () => {
    state.challengeId = null;
    state.publicKey = null;
    state.enrolled = [];
    render();
  };

  const creationOptions = (options) => ({
    ...options,
    challenge: toBytes(options.challenge),
    user: { ...options.user, id: toBytes(options.user.id) },
    excludeCredentials: state.enrolled.map((item) => ({ type: "public-key", id: toBytes(item.response.rawId) })),
  });

  $("enroll").addEventListener("click", async () => {
    if (!window.PublicKeyCredential) return say("This browser does not support WebAuthn.", true);
    if (state.enrolled.length >= maxAuthenticators) return say("At most 5 authenticators can be enrolled", true);
    $("enroll").disabled = true;
    try {
      if (state.challengeId === null) {
        const started = await postJson("/signup/options", {});
        if (started.status !== 200) return say(problemsOf(started.data), true);
        state.challengeId = started.data.challenge_id;
        state.publicKey = started.data.publicKey;
      }
      say("Touch or unlock your authenticator…", false);
      const credential = await navigator.credentials.create({ publicKey: creationOptions(state.publicKey) });
      if (!credential) return say("No authenticator was enrolled.", true);
      const name = $("authenticator-name").value.trim();
      const position = state.enrolled.length;
      const label = name || (position === 0 ? "Primary authenticator" : "Backup authenticator " + position);
      state.enrolled.push({
        label,
        friendly_name: name,
        response: {
          id: credential.id,
          rawId: toBase64url(credential.rawId),
          type: credential.type,
          response: {
            clientDataJSON: toBase64url(credential.response.clientDataJSON),
            attestationObject: toBase64url(credential.response.attestationObject),
          },
          clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
        },
      });
      $("authenticator-name").value = "";
      say("Enrolled " + label + ".", false);
    } catch (error) {
      say("The authenticator did not enroll: " + (error && error.message ? error.message : String(error)), true);
    } finally {
      render();
    }
  });

  $("signup").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (state.enrolled.length === 0) return say("Enroll at least one authenticator", true);
    $("create").disabled = true;
    try {
      const finished = await postJson("/signup/complete", {
        challenge_id: state.challengeId,
        name: $("name").value,
        slug: $("slug").value,
        email: $("email").value,
        authenticators: state.enrolled.map((item) => ({ friendly_name: item.friendly_name, response: item.response })),
      });
      if (finished.status === 201) {
        $("signup").hidden = true;
        say("", false);
        $("raw-key").textContent = finished.data.api_key.raw_key;
        $("result").hidden = false;
        return;
      }
      const lines = problemsOf(finished.data);
      const details = (finished.data && finished.data.error && finished.data.error.details) || {};
      if (details.challenge_id || Object.keys(details).some((field) => field.startsWith("authenticators"))) {
        startOver();
        lines.push("Please enroll your authenticators again.");
      }
      say(lines, true);
    } catch (error) {
      say("The signup could not be sent: " + (error && error.message ? error.message : String(error)), true);
    } finally {
      $("create").disabled = false;
    }
  });

  render();
})();
</script>
</body>
</html>
`
