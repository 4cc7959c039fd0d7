// The loading screen: downloaded bytes (progress.js counts them) and the start-up steps.
const $ = (id) => document.getElementById(id);
const MB = (n) => (n / 1048576).toFixed(1);

// Keeps the bar, the byte count and the step list up to date with `progress`.
export function showLoading(progress) {
  progress.onChange(({ loaded, total, steps }) => {
    $("loading-bar").max = Math.max(total, 1);
    $("loading-bar").value = loaded;
    $("loading-bytes").textContent = `${MB(loaded)} of ${MB(total)} MB`;
    $("loading-steps").replaceChildren(
      ...[...steps.values()].map(({ state, text }) => {
        const li = document.createElement("li");
        li.dataset.state = state;
        li.textContent = text;
        return li;
      }),
    );
  });
}

export function hideLoading() {
  $("loading").hidden = true;
}

// Shows why start-up failed, on the loading screen.
export function loadingFailed(text) {
  const box = document.querySelector(".loading-box");
  box.classList.add("failed");
  let p = box.querySelector(".loading-error");
  if (!p) {
    p = document.createElement("p");
    p.className = "loading-error";
    p.setAttribute("role", "alert");
    box.append(p);
  }
  p.textContent = text;
  console.warn(`[blazepose] ${text}`);
}
