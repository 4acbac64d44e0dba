// Agenda builder: drag items between and within sections, save the order,
// and poll pack compilation progress. Arrow buttons work without this file.
(() => {
  const root = document.querySelector(".agenda-builder");
  if (!root) return;
  const status = root.querySelector(".ab-status");
  let dragged = null;

  const layout = () =>
    [...root.querySelectorAll(".ab-items")].map((list) => ({
      section: list.dataset.sectionId,
      items: [...list.querySelectorAll(":scope > .ab-item")].map((li) => li.dataset.itemId),
    }));

  async function saveOrder() {
    const response = await fetch(root.dataset.reorderUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": root.dataset.csrf },
      body: JSON.stringify(layout()),
    });
    if (response.ok) {
      window.location.reload();
    } else {
      const body = await response.json().catch(() => ({}));
      status.textContent = body.error || "The new order could not be saved.";
      setTimeout(() => window.location.reload(), 4000);
    }
  }

  function itemAfter(list, y) {
    const items = [...list.querySelectorAll(":scope > .ab-item:not(.is-dragging)")];
    return items.find((li) => {
      const box = li.getBoundingClientRect();
      return y < box.top + box.height / 2;
    });
  }

  root.addEventListener("dragstart", (event) => {
    dragged = event.target.closest(".ab-item");
    if (!dragged) return;
    dragged.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.itemId);
  });
  root.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("is-dragging");
    root.querySelectorAll(".is-target").forEach((el) => el.classList.remove("is-target"));
  });
  root.addEventListener("dragover", (event) => {
    const list = event.target.closest(".ab-items");
    if (!list || !dragged) return;
    event.preventDefault();
    root.querySelectorAll(".is-target").forEach((el) => el.classList.remove("is-target"));
    list.classList.add("is-target");
    const next = itemAfter(list, event.clientY);
    if (next) list.insertBefore(dragged, next);
    else list.appendChild(dragged);
  });
  root.addEventListener("drop", (event) => {
    if (!event.target.closest(".ab-items") || !dragged) return;
    event.preventDefault();
    saveOrder();
  });

  const versions = root.querySelector("#versions[data-polling]");
  if (versions) {
    const poll = async () => {
      const response = await fetch(root.dataset.statusUrl);
      const { packs } = await response.json();
      packs.forEach((pack) => {
        const row = versions.querySelector(`[data-pack-id="${pack.id}"]`);
        if (!row) return;
        const label = row.querySelector(".ab-pack-status");
        const bar = row.querySelector("progress");
        if (label) label.textContent = `${pack.label} ${pack.status === "compiling" ? pack.percent + "%" : ""}`;
        if (bar) bar.value = pack.percent;
      });
      if (packs.some((p) => p.status === "queued" || p.status === "compiling")) {
        setTimeout(poll, 1500);
      } else {
        window.location.reload();
      }
    };
    setTimeout(poll, 1500);
  }
})();
