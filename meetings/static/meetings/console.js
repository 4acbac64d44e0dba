// Live console: send actions in the background, refresh the state panel,
// and poll so a second clerk's screen follows. Without JS, forms still post.
(() => {
  const root = document.getElementById("console-state");
  if (!root) return;
  let busy = false;
  // A form the clerk has started filling in must not be wiped by a refresh.
  let dirty = false;

  const replace = (html) => {
    root.innerHTML = html;
    dirty = false;
  };
  root.addEventListener("input", () => (dirty = true));
  root.addEventListener("change", () => (dirty = true));

  root.addEventListener("submit", async (event) => {
    const form = event.target;
    if (form.classList.contains("cs-plain")) return; // navigates away
    event.preventDefault();
    const data = new FormData(form);
    if (event.submitter && event.submitter.name) {
      data.set(event.submitter.name, event.submitter.value);
    }
    busy = true;
    try {
      const response = await fetch(root.dataset.action, {
        method: "POST",
        body: data,
        headers: { "X-Console": "1" },
        credentials: "same-origin",
      });
      replace(await response.text());
    } catch (error) {
      const status = root.querySelector(".cs-status");
      if (status) status.textContent = "Connection lost: nothing was saved. Try again.";
    } finally {
      busy = false;
    }
  });

  const typing = () => {
    const active = document.activeElement;
    return active && root.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName);
  };

  setInterval(async () => {
    if (busy || dirty || typing() || document.hidden) return;
    try {
      const response = await fetch(root.dataset.url, { credentials: "same-origin" });
      if (response.ok) replace(await response.text());
    } catch (error) {
      /* offline: keep the last state on screen */
    }
  }, 3000);
})();
