/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Cockpit page of mdevvirtio: a view of mdevvirtiod's D-Bus API
 * (org.mdevvirtio1(5)) and a front end to its methods, in plain JS against
 * Cockpit's cockpit.js (287 and later).
 *
 * Contract:
 * - What is shown comes only from the daemon's objects, through one Cockpit
 *   watch of /org/mdevvirtio1 (one GetManagedObjects, then InterfacesAdded/
 *   Removed and PropertiesChanged, merged here into plain objects: Cockpit's
 *   proxies cannot hold a Device, whose method Start and property Start share
 *   a name): nothing polls, and a change made by anyone (the CLI, a file
 *   dropped in /etc/mdevvirtio.d, the kernel) shows without a reload.
 * - Signals only mark rows dirty; one deferred flush updates each dirty row
 *   in place (a cell is written only when its text changes) and inserts new
 *   rows at their place in UUID order, so thousands of devices stay cheap.
 * - Every change is a method call of the daemon, made with superuser "try":
 *   with Cockpit's administrative access it runs as root, else as the
 *   viewer. A refusal (the bus policy's or the daemon's) or any other error
 *   is shown as it came, D-Bus error name and message, never reworded; the
 *   page itself checks only what it must to build the call (attribute lines).
 * - The page never decides who may change what: a button is hidden only
 *   when its action does not apply to the device's state (Start on a
 *   running device), never for want of privileges; viewers get the system's
 *   answer.
 */
"use strict";

(function () {
    const BUS_NAME = "org.mdevvirtio1";
    const ROOT = "/org/mdevvirtio1";
    const MANAGER = "org.mdevvirtio1.Manager";
    const DEVICE = "org.mdevvirtio1.Device";
    const PARENT = "org.mdevvirtio1.Parent";
    const MODIFY_DEFINED = 2;
    const MODIFY_LIVE = 1;
    const FLUSH_DELAY_MS = 20;  /* signals arriving together make one flush */
    const MAX_MESSAGES = 20;     /* the newest errors shown; older ones are dropped */

    const client = cockpit.dbus(BUS_NAME, { bus: "system", superuser: "try" });
    const devices = new Map();  /* object path -> Device properties */
    const parents = new Map();  /* object path -> Parent properties */
    const manager = {};         /* Manager properties */
    const permission = cockpit.permission({ admin: true });

    let daemonOwner;  /* undefined until known, null when mdevvirtiod is not running */
    let ready = false; /* the first GetManagedObjects is in */

    const el = (id) => document.getElementById(id);
    const devicesBody = el("devices").tBodies[0];
    const parentsBody = el("parents").tBodies[0];

    /* ---------------------------------------------------------- helpers */

    function make(tag, attrs, text) {
        const node = document.createElement(tag);
        for (const [k, v] of Object.entries(attrs || {})) {
            if (k === "className")
                node.className = v;
            else
                node.setAttribute(k, v);
        }
        if (text !== undefined)
            node.textContent = text;
        return node;
    }

    function setText(node, text) {
        if (node.textContent !== text)
            node.textContent = text;
    }

    /*
     * A method call as a native Promise: cockpit's own promises do not turn
     * an exception thrown in a handler into a rejection.
     */
    function call(path, iface, method, args, signature) {
        return Promise.resolve(client.call(path, iface, method, args, { type: signature }));
    }

    function pairsText(pairs, sep) {
        return (pairs || []).map(([k, v]) => k + sep + v).join("\n");
    }

    /* "name=value" lines to a(ss); throws an Error naming the bad line. */
    function parseAttrs(text) {
        const attrs = [];
        text.split("\n").forEach((line, i) => {
            const l = line.trim();
            if (l === "")
                return;
            const eq = l.indexOf("=");
            if (eq <= 0)
                throw new Error(`Attribute line ${i + 1} '${l}' is not name=value`);
            attrs.push([l.slice(0, eq).trim(), l.slice(eq + 1).trim()]);
        });
        return attrs;
    }

    function errorParts(err) {
        if (err && err.name && err.name !== "Error")
            return { name: err.name, message: err.message || "" };
        if (err && err.problem)
            return { name: "cockpit: " + err.problem, message: cockpit.message(err) };
        return { name: "", message: (err && err.message) || String(err) };
    }

    function errorNode(what, err) {
        const { name, message } = errorParts(err);
        const node = make("div", { className: "message error" });
        if (name)
            node.dataset.errorName = name;
        node.append(make("strong", {}, what + " failed: "));
        if (name)
            node.append(make("code", { className: "error-name" }, name), " ");
        node.append(make("span", { className: "error-message" }, message));
        return node;
    }

    /* Shows an error in the page's message area, newest first. */
    function showError(what, err) {
        const node = errorNode(what, err);
        const close = make("button", { type: "button", className: "dismiss",
                                       "aria-label": "Dismiss this message" }, "\u00d7");
        close.addEventListener("click", () => node.remove());
        node.append(close);
        const area = el("messages");
        area.prepend(node);
        while (area.childElementCount > MAX_MESSAGES)
            area.lastElementChild.remove();
    }

    /*
     * Runs one action: the button is disabled while the call is out, then
     * enabled again if it still applies (sync, for a device's buttons).
     */
    function act(button, what, promise, sync) {
        if (button) {
            button.disabled = true;
            button.dataset.pending = "true";
        }
        return promise
                .catch(err => { showError(what, err); throw err })
                .finally(() => {
                    if (!button)
                        return;
                    delete button.dataset.pending;
                    button.disabled = false;
                    if (sync)
                        sync();
                });
    }

    /* ---------------------------------------------------------- devices */

    const FIELDS = ["state", "parent", "type", "class", "start", "attrs", "nodes", "lasterror"];
    const rows = new Map();   /* object path -> <tr> */
    const order = [];         /* sort keys (uuid, path) of the rows, in the table's order */
    const dirty = new Set();  /* object paths of devices to render */
    let flushTimer = null;

    function schedule(path) {
        dirty.add(path);
        if (flushTimer === null)
            flushTimer = window.setTimeout(flush, FLUSH_DELAY_MS);
    }

    function actionButton(action, label, uuid) {
        return make("button", { type: "button", "data-action": action,
                                "aria-label": `${label} ${uuid}` }, label);
    }

    function sortKey(tr) {
        return tr.dataset.uuid + "\n" + tr.dataset.path;
    }

    function newRow(path, p) {
        const uuid = p.Uuid;
        const tr = make("tr", { "data-uuid": uuid });
        tr.dataset.path = path;
        tr.append(make("th", { scope: "row", className: "uuid" }, uuid));
        for (const f of FIELDS)
            tr.append(make("td", { "data-field": f }));
        const actions = make("td", { className: "actions" });
        actions.append(actionButton("start", "Start", uuid), actionButton("stop", "Stop", uuid),
                       actionButton("modify", "Modify", uuid),
                       actionButton("undefine", "Undefine", uuid));
        tr.append(actions);
        return tr;
    }

    /* The index in order of the first key not below key. */
    function lowerBound(key) {
        let lo = 0, hi = order.length;
        while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (order[mid] < key)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }

    function insertRow(path, tr) {
        const key = sortKey(tr);
        const i = lowerBound(key);
        const next = i < order.length ? rows.get(order[i].slice(order[i].indexOf("\n") + 1)) : null;
        order.splice(i, 0, key);
        rows.set(path, tr);
        devicesBody.insertBefore(tr, next || null);
    }

    function removeRow(path) {
        const tr = rows.get(path);
        if (!tr)
            return;
        const key = sortKey(tr);
        const i = lowerBound(key);
        if (order[i] === key)
            order.splice(i, 1);
        tr.remove();
        rows.delete(path);
    }

    function stateText(p) {
        let s = p.State || "";
        if (!p.Defined && p.Active)
            s += " (transient)";
        return s;
    }

    function updateRow(tr, p) {
        const cells = tr.cells;
        const texts = {
            state: stateText(p),
            parent: p.Parent || "",
            type: p.Type || "",
            class: p.Class || "",
            start: p.Defined ? (p.Start || "") : "",
            attrs: pairsText(p.Attrs, "="),
            nodes: pairsText(p.Nodes, ": "),
            lasterror: p.LastError || "",
        };
        FIELDS.forEach((f, i) => setText(cells[i + 1], texts[f]));
        const state = p.State || "unknown";
        if (tr.dataset.state !== state) {
            tr.dataset.state = state;
            cells[1].className = "state state-" + state;
        }
        tr.dataset.defined = p.Defined ? "true" : "false";
        tr.dataset.active = p.Active ? "true" : "false";
        syncButtons(tr);
    }

    /*
     * Only what applies to a device in its state is shown (Start or Stop,
     * Modify and Undefine for a definition); a call still out keeps its
     * button disabled.
     */
    function syncButtons(tr) {
        const defined = tr.dataset.defined === "true";
        const active = tr.dataset.active === "true";
        const applies = { start: defined && !active, stop: active, modify: defined, undefine: defined };
        for (const button of tr.querySelectorAll("button[data-action]")) {
            const hide = !applies[button.dataset.action];
            const off = button.dataset.pending === "true";
            if (button.hidden !== hide)
                button.hidden = hide;
            if (button.disabled !== off)
                button.disabled = off;
        }
    }

    /* Many new rows into an empty table (the first listing): sort once, append once. */
    function appendSorted(fresh) {
        fresh.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
        const fragment = document.createDocumentFragment();
        for (const [key, path, tr] of fresh) {
            order.push(key);
            rows.set(path, tr);
            fragment.append(tr);
        }
        devicesBody.append(fragment);
    }

    function flush() {
        flushTimer = null;
        const bulk = rows.size === 0 ? [] : null;
        for (const path of dirty) {
            const p = devices.get(path);
            if (!p || !p.Uuid) {
                removeRow(path);
                continue;
            }
            let tr = rows.get(path);
            if (tr && tr.dataset.uuid !== p.Uuid) {
                removeRow(path);
                tr = undefined;
            }
            if (!tr) {
                tr = newRow(path, p);
                if (bulk)
                    bulk.push([sortKey(tr), path, tr]);
                else
                    insertRow(path, tr);
            }
            updateRow(tr, p);
        }
        dirty.clear();
        if (bulk)
            appendSorted(bulk);
        el("no-devices").hidden = !ready || rows.size > 0;
        updateSummary();
    }


    function deviceCall(tr, method, args, signature) {
        return call(tr.dataset.path, DEVICE, method, args || [], signature || "");
    }

    devicesBody.addEventListener("click", (ev) => {
        const button = ev.target.closest("button[data-action]");
        if (!button)
            return;
        const tr = button.closest("tr");
        const uuid = tr.dataset.uuid;
        const sync = () => syncButtons(tr);
        switch (button.dataset.action) {
        case "start":
            act(button, `Start ${uuid}`, deviceCall(tr, "Start"), sync).catch(() => {});
            break;
        case "stop":
            act(button, `Stop ${uuid}`, deviceCall(tr, "Stop"), sync).catch(() => {});
            break;
        case "undefine":
            act(button, `Undefine ${uuid}`, deviceCall(tr, "Undefine"), sync).catch(() => {});
            break;
        case "modify":
            openModify(tr);
            break;
        }
    });

    /* ----------------------------------------------------------- modify */

    const modify = el("modify");
    let modifying = null; /* { tr, start, attrs, generation } when open */

    function openModify(tr) {
        const p = devices.get(tr.dataset.path);
        if (!p)
            return;
        modifying = { tr, start: p.Start, attrs: pairsText(p.Attrs, "="), generation: p.Generation };
        el("modify-uuid").textContent = p.Uuid;
        el("modify-start").value = p.Start === "auto" ? "auto" : "manual";
        el("modify-attrs").value = modifying.attrs;
        el("modify-live").checked = false;
        el("modify-error").replaceChildren();
        modify.showModal();
    }

    el("modify-cancel").addEventListener("click", () => modify.close());
    modify.addEventListener("close", () => { modifying = null });

    el("modify-form").addEventListener("submit", (ev) => {
        ev.preventDefault();
        if (!modifying)
            return;
        const { tr, start, attrs, generation } = modifying;
        const what = `Modify ${tr.dataset.uuid}`;
        const changes = {};
        const newStart = el("modify-start").value;
        if (newStart !== start)
            changes.start = cockpit.variant("s", newStart);
        if (el("modify-attrs").value.trim() !== attrs.trim()) {
            try {
                changes.attrs = cockpit.variant("a(ss)", parseAttrs(el("modify-attrs").value));
            } catch (err) {
                el("modify-error").replaceChildren(errorNode(what, err));
                return;
            }
        }
        if (Object.keys(changes).length === 0) {
            modify.close();
            return;
        }
        /* Compare-and-set: refused with Conflict if someone changed it since. */
        if (generation !== undefined)
            changes.generation = cockpit.variant("t", generation);
        const flags = MODIFY_DEFINED | (el("modify-live").checked ? MODIFY_LIVE : 0);
        const button = el("modify-apply");
        button.disabled = true;
        deviceCall(tr, "Modify", [changes, flags], "a{sv}u")
                .then(() => modify.close())
                .catch(err => el("modify-error").replaceChildren(errorNode(what, err)))
                .finally(() => { button.disabled = false });
    });

    /* ---------------------------------------------------------- parents */

    const parentRows = new Map(); /* object path -> <tbody> of that parent's rows */

    function parentTypes(p) {
        return p && Array.isArray(p.Types) ? p.Types : [];
    }

    function renderParent(path) {
        const p = parents.get(path);
        const group = parentRows.get(path);
        if (!p || !p.Name) {
            if (group)
                group.remove();
            parentRows.delete(path);
            return;
        }
        /* A parent is few rows that change together: rebuild them. */
        const fresh = make("tbody", { "data-parent": p.Name });
        const types = parentTypes(p);
        const span = Math.max(types.length, 1);
        const first = make("tr");
        first.append(make("th", { scope: "rowgroup", rowspan: span }, p.Name),
                     make("td", { rowspan: span }, p.Bus || ""),
                     make("td", { rowspan: span, "data-field": "present" }, p.Present ? "yes" : "no"));
        if (types.length === 0) {
            first.append(make("td", { colspan: 5, className: "empty" }, "no types"));
            fresh.append(first);
        }
        types.forEach(([id, name, description, available, api], i) => {
            const tr = i === 0 ? first : make("tr");
            tr.dataset.type = id;
            tr.append(make("td", { "data-field": "type" }, id), make("td", {}, name),
                      make("td", {}, api), make("td", { "data-field": "available" }, String(available)),
                      make("td", {}, description));
            fresh.append(tr);
        });
        if (group) {
            group.replaceWith(fresh);
        } else {
            /* In name order, among the other parents. */
            const next = Array.from(parentRows.values()).find(g => g.dataset.parent > p.Name);
            el("parents").insertBefore(fresh, next || null);
        }
        parentRows.set(path, fresh);
    }

    function parentsChanged(paths) {
        paths.forEach(renderParent);
        el("no-parents").hidden = !ready || parentRows.size > 0;
        fillParentSelect();
        updateSummary();
    }

    parentsBody.remove(); /* each parent has a <tbody> of its own */

    /* ----------------------------------------------------------- define */

    function fillSelect(select, options) {
        const keep = select.value;
        const have = Array.from(select.options).map(o => o.value + "\n" + o.textContent).join("\n\n");
        const want = options.map(([v, t]) => v + "\n" + t).join("\n\n");
        if (have !== want)
            select.replaceChildren(...options.map(([v, t]) => make("option", { value: v }, t)));
        if (options.some(([v]) => v === keep))
            select.value = keep;
    }

    function parentByName(name) {
        for (const p of parents.values())
            if (p.Name === name)
                return p;
        return undefined;
    }

    function fillParentSelect() {
        const names = Array.from(parents.values())
                .filter(p => parentTypes(p).length > 0)
                .map(p => p.Name).sort();
        fillSelect(el("define-parent"), names.map(n => [n, n]));
        fillTypeSelect();
    }

    function fillTypeSelect() {
        const p = parentByName(el("define-parent").value);
        const types = p ? parentTypes(p) : [];
        fillSelect(el("define-type"), types.map(([id, name, , available, api]) =>
            [id, `${id} (${api}, ${available} left)`]));
    }

    el("define-parent").addEventListener("change", fillTypeSelect);

    el("define").addEventListener("submit", (ev) => {
        ev.preventDefault();
        const parent = el("define-parent").value;
        const type = el("define-type").value;
        const uuid = el("define-uuid").value.trim();
        const start = el("define-start").value;
        const what = `Define ${uuid || "a device"} on ${parent || "(no parent)"}`;
        let attrs;
        try {
            attrs = parseAttrs(el("define-attrs").value);
        } catch (err) {
            showError(what, err);
            return;
        }
        const andStart = el("define-and-start").checked;
        let done = call(ROOT, MANAGER, "Define", [parent, uuid, type, start, attrs], "ssssa(ss)");
        if (andStart)
            done = done.then(([path, newUuid]) =>
                call(path, DEVICE, "Start", [], "")
                        .catch(err => { showError(`Start ${newUuid}`, err); throw null }));
        act(el("define-submit"), what, done.catch(err => { if (err !== null) throw err }))
                .then(() => { el("define-uuid").value = "" })
                .catch(() => {});
    });

    /* ---------------------------------------------------------- summary */

    function updateSummary() {
        let text;
        if (daemonOwner === null)
            text = "mdevvirtiod is not running on the system bus.";
        else if (!ready)
            text = "Connecting to mdevvirtiod\u2026";
        else {
            let running = 0;
            for (const tr of rows.values())
                if (tr.dataset.active === "true")
                    running++;
            text = `${parentRows.size} parent${parentRows.size === 1 ? "" : "s"}, ` +
                `${rows.size} device${rows.size === 1 ? "" : "s"} (${running} running)`;
            if (manager.Version)
                text += ` \u00b7 mdevvirtiod ${manager.Version}`;
        }
        if (permission.allowed === false)
            text += " \u00b7 Read only: changes need administrative access.";
        else if (permission.allowed === true)
            text += " \u00b7 Administrative access.";
        setText(el("summary"), text);
        document.body.dataset.ready = ready ? "true" : "false";
    }

    /* One notify: { path: { interface: properties, or null when removed } }. */
    function merge(map, path, props) {
        if (props === null)
            map.delete(path);
        else if (map.has(path))
            Object.assign(map.get(path), props);
        else
            map.set(path, { ...props });
    }

    function onNotify(data) {
        const changedParents = [];
        let managerChanged = false;
        for (const [path, ifaces] of Object.entries(data)) {
            for (const [iface, props] of Object.entries(ifaces)) {
                if (iface === DEVICE) {
                    merge(devices, path, props);
                    schedule(path);
                } else if (iface === PARENT) {
                    merge(parents, path, props);
                    changedParents.push(path);
                } else if (iface === MANAGER && props) {
                    Object.assign(manager, props);
                    managerChanged = true;
                }
            }
        }
        if (ready && changedParents.length > 0)
            parentsChanged(changedParents);
        if (managerChanged) {
            renderBadDefinitions();
            updateSummary();
        }
    }

    /* Manager.BadDefinitions: (file, reason) of each definition file the daemon skipped. */
    function renderBadDefinitions() {
        const bad = Array.isArray(manager.BadDefinitions) ? manager.BadDefinitions : [];
        const section = el("bad-definitions");
        section.hidden = bad.length === 0;
        section.querySelector("ul").replaceChildren(...bad.map(([file, reason]) => {
            const li = make("li");
            li.append(make("code", {}, file), ": " + reason);
            return li;
        }));
    }

    client.addEventListener("notify", (ev, data) => onNotify(data));
    client.addEventListener("owner", (ev, owner) => { daemonOwner = owner; updateSummary() });
    client.addEventListener("close", (ev, options) => {
        showError("The connection to the system bus", options);
    });
    permission.addEventListener("changed", updateSummary);

    Promise.resolve(client.watch({ path_namespace: ROOT }))
            .then(() => {
                ready = true;
                parentsChanged(Array.from(parents.keys()));
                flush();
            })
            .catch(err => showError("Reading mdevvirtiod's objects", err));

    el("no-devices").hidden = true;
    el("no-parents").hidden = true;
    updateSummary();
}());
