// My meetings and the agenda pages: offline switches, the connection banner,
// and wiping this device's copies on sign-out or when another user signs in.

import {
  appConfig,
  claimDevice,
  formatBytes,
  offlineMeetings,
  pruneMeetings,
  registerServiceWorker,
  removeMeeting,
  saveMeeting,
  wipeOnSignOut,
} from "quorum/offline";

const config = appConfig();

function showConnection() {
  const banner = document.querySelector("[data-connection-banner]");
  if (banner) banner.hidden = navigator.onLine;
}

function describe(button, entry) {
  const state = button.parentElement.querySelector("[data-offline-state]");
  const outdated = entry && String(entry.packId) !== button.dataset.pack;
  button.setAttribute("aria-pressed", entry && !outdated ? "true" : "false");
  button.textContent = outdated
    ? "Update the offline copy"
    : entry
      ? "Remove from this device"
      : "Make available offline";
  if (state) {
    const size = entry?.bytes ? ` (${formatBytes(entry.bytes)})` : "";
    state.textContent = outdated
      ? "The copy on this device is of an earlier version."
      : entry
        ? `Available offline${size}`
        : "";
  }
}

function refreshSwitches() {
  const registry = offlineMeetings(config.userId);
  for (const button of document.querySelectorAll("[data-offline-toggle]")) {
    describe(button, registry[button.dataset.meeting]);
  }
}

function offlineSwitches() {
  refreshSwitches();
  for (const button of document.querySelectorAll("[data-offline-toggle]")) {
    const meetingId = button.dataset.meeting;
    button.addEventListener("click", async () => {
      const state = button.parentElement.querySelector("[data-offline-state]");
      button.disabled = true;
      try {
        const saved = offlineMeetings(config.userId)[meetingId];
        if (saved && String(saved.packId) === button.dataset.pack) {
          await removeMeeting(config.userId, meetingId);
          describe(button, null);
        } else {
          if (!navigator.onLine) throw new Error("You are offline.");
          const d = button.dataset;
          const entry = await saveMeeting(
            config.userId,
            {
              meetingId,
              packId: Number(d.pack),
              pages: [d.readerUrl, d.agendaUrl, d.packUrl, d.annotationsUrl],
              shared: [config.portalUrl, ...config.assets],
            },
            (done, total) => {
              if (state) state.textContent = `Saving… ${done} of ${total}`;
            },
          );
          describe(button, entry);
        }
      } catch (error) {
        if (state) state.textContent = `Could not save for offline use: ${error.message}`;
      } finally {
        button.disabled = false;
      }
    });
  }
}

async function start() {
  wipeOnSignOut();
  showConnection();
  window.addEventListener("online", showConnection);
  window.addEventListener("offline", showConnection);
  await claimDevice(config.userId);
  offlineSwitches();
  await registerServiceWorker(config);
  if (config.readablePacksUrl) {
    const removed = await pruneMeetings(config.userId, config.readablePacksUrl);
    if (removed.length) refreshSwitches();
  }
}

start();
