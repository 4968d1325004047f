// The page's address and the browser's memory of who is editing (workbook.ui.address).
//
// Python sets `query` as the person moves; the address follows with pushState, so the
// browser's Back button and a reload work. Back and Forward report the address in
// `visited`. `author` is "Your name": kept in the browser's localStorage, offered to
// Python when the page opens, stored again whenever Python changes it.

const KEY = "mentoring-workbook.author";

function params(search) {
  const p = new URLSearchParams(search);
  return [p.get("program") || "", p.get("step") || ""];
}

function same(a, b) {
  return a[0] === b[0] && a[1] === b[1];
}

function render({ model, el }) {
  el.style.display = "none";

  function follow() {
    if (!model.get("follow")) return; // JupyterLab: the address is JupyterLab's
    const query = model.get("query");
    if (same(params(query), params(window.location.search))) return;
    const url = query ? "?" + query : window.location.pathname;
    window.history.pushState({ workbook: query }, "", url);
  }

  function visited() {
    if (!model.get("follow")) return;
    model.set("visited", window.location.search.replace(/^\?/, ""));
    model.set("visits", model.get("visits") + 1);
    model.save_changes();
  }

  function remember() {
    const name = model.get("author");
    try {
      if (name) window.localStorage.setItem(KEY, name);
    } catch (e) {
      // storage refused (private window): the name is simply not remembered
    }
  }

  let stored = "";
  try {
    stored = window.localStorage.getItem(KEY) || "";
  } catch (e) {
    stored = "";
  }
  if (stored && !model.get("author")) {
    model.set("author", stored);
    model.save_changes();
  } else {
    remember();
  }
  follow();
  model.on("change:query", follow);
  model.on("change:author", remember);
  window.addEventListener("popstate", visited);
  return () => {
    model.off("change:query", follow);
    model.off("change:author", remember);
    window.removeEventListener("popstate", visited);
  };
}

export default { render };
