// Suggest titles while typing (what the server lets this user see).
document.addEventListener("DOMContentLoaded", () => {
  const input = document.querySelector("input[data-autocomplete]");
  if (!input) return;
  const list = document.getElementById(input.getAttribute("aria-controls"));
  let timer = null;
  let latest = 0;
  const hide = () => { list.hidden = true; input.setAttribute("aria-expanded", "false"); };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < 2) { hide(); return; }
    timer = setTimeout(async () => {
      const asked = ++latest;
      const response = await fetch(`${input.dataset.autocomplete}?q=${encodeURIComponent(text)}`, { credentials: "same-origin" });
      if (!response.ok || asked !== latest) return;
      const { results } = await response.json();
      list.replaceChildren(...results.map((result) => {
        const item = document.createElement("li");
        item.setAttribute("role", "option");
        const link = document.createElement("a");
        link.href = result.url;
        link.textContent = result.title;
        const kind = document.createElement("span");
        kind.className = "meta";
        kind.textContent = ` · ${result.kind}`;
        link.append(kind);
        item.append(link);
        return item;
      }));
      list.hidden = results.length === 0;
      input.setAttribute("aria-expanded", String(results.length > 0));
    }, 150);
  });
  input.addEventListener("keydown", (event) => { if (event.key === "Escape") hide(); });
  document.addEventListener("click", (event) => { if (!list.contains(event.target) && event.target !== input) hide(); });
});
