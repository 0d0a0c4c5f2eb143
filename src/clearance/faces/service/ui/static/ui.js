// clearance UI: forms that post are sent as JSON with fetch (the service reads JSON bodies), then the
// page follows the answer: a redirect is followed like a normal form's (POST, redirect, GET); any other
// answer (a refusal with its message) replaces the page's body in place. Nothing else, no library.
"use strict";

document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
  event.preventDefault();
  const fields = {};
  for (const [name, value] of new FormData(form)) {
    if (typeof value === "string") fields[name] = value;
  }
  const buttons = form.querySelectorAll("button");
  buttons.forEach((b) => { b.disabled = true; });
  let response;
  try {
    response = await fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "text/html" },
      body: JSON.stringify(fields),
    });
  } catch (error) {
    buttons.forEach((b) => { b.disabled = false; });
    window.alert("The service could not be reached: " + error);
    return;
  }
  if (response.redirected) {
    window.location.assign(response.url);
    return;
  }
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  if (page.title) document.title = page.title;
  document.body.replaceWith(document.adoptNode(page.body));
});
