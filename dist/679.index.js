export const id = 679;
export const ids = [679,346];
export const modules = {

/***/ 6346:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Git: () => (/* binding */ Git),
/* harmony export */   PRIVATE_REF_PREFIX: () => (/* binding */ PRIVATE_REF_PREFIX)
/* harmony export */ });
/* harmony import */ var _actions_exec__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2876);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_4___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_4__);
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(4296);






const PRIVATE_REF_PREFIX = 'refs/kindnet-updater';
class Git {
    cwd;
    remoteEnv = {};
    constructor(cwd) {
        this.cwd = cwd;
    }
    static async open(cwd) {
        const git = new Git(cwd);
        const result = await git.run(['rev-parse', '--git-dir'], { allowFail: true });
        if (result.exitCode !== 0) {
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_5__/* .UpdaterError */ .em(`${cwd} is not a git repository. Run actions/checkout before this action (mode pull-request needs the checkout's origin).`);
        }
        return git;
    }
    /** Authenticates remote commands to an https origin with the token (an http.extraheader for that command only). */
    async useToken(token) {
        const url = await this.remoteUrl();
        if (!/^https?:\/\//i.test(url))
            return;
        const parsed = new URL(url);
        const prefix = `${parsed.protocol}//${parsed.host}/`;
        const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
        // The first, empty value clears the header actions/checkout may have persisted for the same URL.
        this.remoteEnv = {
            GIT_CONFIG_COUNT: '2',
            GIT_CONFIG_KEY_0: `http.${prefix}.extraheader`,
            GIT_CONFIG_VALUE_0: '',
            GIT_CONFIG_KEY_1: `http.${prefix}.extraheader`,
            GIT_CONFIG_VALUE_1: `AUTHORIZATION: basic ${basic}`
        };
    }
    async remoteUrl() {
        const result = await this.run(['remote', 'get-url', 'origin'], { allowFail: true });
        if (result.exitCode !== 0) {
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_5__/* .UpdaterError */ .em(`The checkout in ${this.cwd} has no 'origin' remote. Run actions/checkout before this action.`);
        }
        return result.stdout.trim();
    }
    async isShallow() {
        return (await this.run(['rev-parse', '--is-shallow-repository'])).stdout.trim() === 'true';
    }
    /** The SHA a branch of origin points at, or undefined when it does not exist. */
    async remoteBranchSha(branch) {
        const result = await this.run(['ls-remote', '--heads', 'origin', `refs/heads/${branch}`], { remote: true });
        const line = result.stdout.split('\n').find((l) => l.endsWith(`\trefs/heads/${branch}`));
        return line ? line.split('\t')[0] : undefined;
    }
    /** Fetches a remote branch into a private ref; shallow checkouts stay shallow. */
    async fetchBranch(branch, ref, depth) {
        const args = ['fetch', '--no-tags', '--no-write-fetch-head', '--quiet'];
        if (await this.isShallow())
            args.push(`--depth=${depth}`);
        await this.run([...args, 'origin', `+refs/heads/${branch}:${ref}`], { remote: true });
        return this.revParse(ref);
    }
    async revParse(ref) {
        return (await this.run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).stdout.trim();
    }
    /** The tree (or blob) id of `path` in `commit`, or undefined when it does not exist. */
    async treeId(commit, treePath) {
        const result = await this.run(['rev-parse', '--verify', '--quiet', `${commit}:${treePath}`], { allowFail: true });
        return result.exitCode === 0 ? result.stdout.trim() : undefined;
    }
    async listTree(commit, dir) {
        const result = await this.run(['ls-tree', '-r', '-z', '--full-tree', commit, '--', dir]);
        return result.stdout
            .split('\0')
            .filter(Boolean)
            .map((line) => {
            const [meta, entryPath] = line.split('\t');
            const [mode, , sha] = meta.split(' ');
            return { mode, sha, path: entryPath };
        });
    }
    async readBlob(sha) {
        const result = await (0,_actions_exec__WEBPACK_IMPORTED_MODULE_0__/* .getExecOutput */ .H)('git', ['cat-file', 'blob', sha], { cwd: this.cwd, silent: true });
        return Buffer.from(result.stdout, 'utf8');
    }
    /** Copies `dir` of `commit` into `target` (a plain folder). */
    async exportTree(commit, dir, target) {
        const entries = (await this.listTree(commit, dir)).filter((e) => e.mode !== '160000' && e.mode !== '040000');
        for (const entry of entries) {
            const file = node_path__WEBPACK_IMPORTED_MODULE_4__.join(target, entry.path);
            await node_fs__WEBPACK_IMPORTED_MODULE_2__.promises.mkdir(node_path__WEBPACK_IMPORTED_MODULE_4__.dirname(file), { recursive: true });
            await node_fs__WEBPACK_IMPORTED_MODULE_2__.promises.writeFile(file, await this.readBlob(entry.sha));
        }
        return entries.length;
    }
    /** Makes one commit on top of `parent` that sets the given files (repository paths → content). */
    async commitFiles(parent, files, message, author, committer) {
        const index = node_path__WEBPACK_IMPORTED_MODULE_4__.join((0,node_os__WEBPACK_IMPORTED_MODULE_3__.tmpdir)(), `kindnet-updater-index-${process.pid}-${(0,node_crypto__WEBPACK_IMPORTED_MODULE_1__.randomBytes)(4).toString('hex')}`);
        const env = { GIT_INDEX_FILE: index };
        try {
            await this.run(['read-tree', parent], { env });
            const lines = [];
            for (const [file, content] of files) {
                const sha = (await this.run(['hash-object', '-w', '--stdin'], { input: Buffer.from(content, 'utf8') })).stdout.trim();
                lines.push(`100644 ${sha}\t${file}`);
            }
            await this.run(['update-index', '--index-info'], { env, input: Buffer.from(lines.join('\n') + '\n') });
            const tree = (await this.run(['write-tree'], { env })).stdout.trim();
            const commit = await this.run(['commit-tree', tree, '-p', parent, '-F', '-'], {
                input: Buffer.from(message),
                env: {
                    GIT_AUTHOR_NAME: author.name,
                    GIT_AUTHOR_EMAIL: author.email,
                    GIT_COMMITTER_NAME: committer.name,
                    GIT_COMMITTER_EMAIL: committer.email
                }
            });
            return commit.stdout.trim();
        }
        finally {
            await node_fs__WEBPACK_IMPORTED_MODULE_2__.promises.rm(index, { force: true });
        }
    }
    async commitMessage(sha) {
        return (await this.run(['log', '-1', '--format=%B', sha])).stdout;
    }
    /**
     * Pushes `sha` to a branch of origin with a lease pinned to the SHA we read (empty: the branch
     * must not exist). Returns false when the lease failed (someone pushed in between).
     */
    async pushWithLease(sha, branch, expected) {
        const result = await this.run([
            'push',
            '--porcelain',
            `--force-with-lease=refs/heads/${branch}:${expected ?? ''}`,
            'origin',
            `${sha}:refs/heads/${branch}`
        ], { remote: true, allowFail: true });
        return this.pushOutcome(result, branch);
    }
    /** Deletes a branch of origin if it still points at `expected`. Returns false when it moved. */
    async deleteBranchWithLease(branch, expected) {
        const result = await this.run(['push', '--porcelain', `--force-with-lease=refs/heads/${branch}:${expected}`, 'origin', `:refs/heads/${branch}`], { remote: true, allowFail: true });
        return this.pushOutcome(result, branch);
    }
    async deleteRef(ref) {
        await this.run(['update-ref', '-d', ref], { allowFail: true });
    }
    pushOutcome(result, branch) {
        if (result.exitCode === 0)
            return true;
        const output = `${result.stdout}\n${result.stderr}`;
        // A lease refused by git itself (stale info, rejected) or by the remote when two pushes race
        // ("cannot lock ref … reference already exists / is at X but expected Y", "incorrect old value").
        if (/stale info|\[rejected\]|fetch first|non-fast-forward|cannot lock ref|incorrect old value|but expected/.test(output)) {
            return false;
        }
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_5__/* .UpdaterError */ .em(`git push to branch '${branch}' failed: ${result.stderr.trim().split('\n').slice(-3).join(' ')}. ` +
            `Check that the token may push (permissions: contents: write) and that branch protection allows it.`);
    }
    async run(args, options = {}) {
        const env = {
            ...process.env,
            GIT_TERMINAL_PROMPT: '0',
            ...(options.remote ? this.remoteEnv : {}),
            ...options.env
        };
        const result = await (0,_actions_exec__WEBPACK_IMPORTED_MODULE_0__/* .getExecOutput */ .H)('git', args, {
            cwd: this.cwd,
            env,
            input: options.input,
            silent: true,
            ignoreReturnCode: true
        });
        if (result.exitCode !== 0 && !options.allowFail) {
            throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_5__/* .UpdaterError */ .em(`git ${args[0]} failed (exit ${result.exitCode}): ${result.stderr.trim().split('\n').slice(-3).join(' ')}`);
        }
        return result;
    }
}


/***/ }),

/***/ 1679:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runPullRequest: () => (/* binding */ runPullRequest)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4296);
/* harmony import */ var _core_update_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7953);
/* harmony import */ var _describe_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(9025);
/* harmony import */ var _git_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(6346);







/** True when the branch tip is the action's own commit (it carries the trailer). */
async function isOurs(git, sha) {
    return (await git.commitMessage(sha)).includes(_describe_js__WEBPACK_IMPORTED_MODULE_5__/* .TRAILER */ .AH);
}
/** The branch moved between reading and pushing: someone (or another run) pushed. */
class LeaseError extends _core_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .UpdaterError */ .em {
}
/**
 * Runs the lifecycle; when the push lease fails because another run pushed in between, reads
 * everything again once and decides anew (usually: the other run's PR already holds these files).
 */
async function runPullRequest(inputs, base, deps) {
    try {
        return await runOnce(inputs, base, deps);
    }
    catch (err) {
        if (!(err instanceof LeaseError))
            throw err;
        deps.logger.warning(`${err.message} Reading the branch and the pull request again.`);
        try {
            return await runOnce(inputs, base, deps);
        }
        catch (again) {
            if (again instanceof LeaseError) {
                throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .UpdaterError */ .em(`${again.message} It moved again on the second try; giving up for this run.`);
            }
            throw again;
        }
    }
}
async function runOnce(inputs, base, deps) {
    const { git, github, logger } = deps;
    const { branch, assetsPath } = inputs;
    const work = await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.mkdtemp(node_path__WEBPACK_IMPORTED_MODULE_2__.join((0,node_os__WEBPACK_IMPORTED_MODULE_1__.tmpdir)(), 'kindnet-updater-'));
    const baseRef = `${_git_js__WEBPACK_IMPORTED_MODULE_6__.PRIVATE_REF_PREFIX}/base`;
    const headRef = `${_git_js__WEBPACK_IMPORTED_MODULE_6__.PRIVATE_REF_PREFIX}/head`;
    try {
        const { baseSha, branchSha } = await logger.group(`Fetching ${base} and ${branch}`, async () => {
            const remoteBase = await git.remoteBranchSha(base);
            if (!remoteBase)
                throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .UpdaterError */ .em(`The base branch '${base}' does not exist on origin. Set the 'base' input.`);
            const baseSha = await git.fetchBranch(base, baseRef, 1);
            const remoteBranch = await git.remoteBranchSha(branch);
            const branchSha = remoteBranch ? await git.fetchBranch(branch, headRef, 2) : undefined;
            logger.info(`${base} is at ${baseSha}; ${branch} ${branchSha ? `is at ${branchSha}` : 'does not exist'}`);
            return { baseSha, branchSha };
        });
        const assetsDir = node_path__WEBPACK_IMPORTED_MODULE_2__.join(work, ...assetsPath.split('/'));
        const result = await logger.group(`Resolving images and comparing with ${base}`, async () => {
            const files = await git.exportTree(baseSha, assetsPath, work);
            logger.info(`Read ${files} files of ${assetsPath} from ${base}`);
            return (0,_core_update_js__WEBPACK_IMPORTED_MODULE_4__/* .planUpdate */ .Z)(inputs.settings, { logger, httpHooks: deps.httpHooks }, assetsDir);
        });
        const pull = await github.findOpenPull(branch, base);
        const pullRef = pull ? { number: pull.number, url: pull.html_url } : undefined;
        if (!result.changed) {
            if (!pull)
                return { operation: 'none', result };
            return await logger.group(`Closing the obsolete pull request #${pull.number}`, () => closeObsolete(inputs, base, deps, pull, branchSha, result));
        }
        return await logger.group(pull ? `Updating pull request #${pull.number}` : 'Creating the pull request', async () => {
            if (branchSha && !(await isOurs(git, branchSha))) {
                const note = `The branch '${branch}' carries commits that kindnet-updater did not make; it was left as it is. ` +
                    `Merge or close that pull request, or delete the branch, to let the action update it.`;
                logger.warning(note);
                if (pull && !(await github.lastComment(pull.number))?.includes(note)) {
                    await github.comment(pull.number, `${_describe_js__WEBPACK_IMPORTED_MODULE_5__/* .MARKER */ .tl}\n${note}\n\nThe registries now serve:\n\n${describeNew(result)}`);
                }
                return { operation: 'none', result, pull: pullRef, note };
            }
            await (0,_core_update_js__WEBPACK_IMPORTED_MODULE_4__/* .writePlan */ .p)(result, false);
            const files = new Map();
            for (const plan of Object.values(result.components)) {
                for (const name of plan.written)
                    files.set(`${assetsPath}/${name}`, plan.files.get(name.split('/').pop()));
            }
            const title = inputs.title ?? (0,_describe_js__WEBPACK_IMPORTED_MODULE_5__/* .defaultTitle */ .QL)(result);
            const sha = await git.commitFiles(baseSha, files, (0,_describe_js__WEBPACK_IMPORTED_MODULE_5__/* .commitMessage */ .df)(result, title, inputs.commitMessage), inputs.author, inputs.committer);
            const body = (0,_describe_js__WEBPACK_IMPORTED_MODULE_5__/* .pullRequestBody */ .NF)(result, base, assetsPath, inputs.token);
            // The branch (ours) may already hold exactly these files: an open PR needs nothing, and a
            // missing PR (e.g. another run pushed but has not opened it yet) needs no new push.
            const sameFiles = branchSha !== undefined && (await git.treeId(branchSha, assetsPath)) === (await git.treeId(sha, assetsPath));
            if (pull && sameFiles) {
                logger.info(`Pull request #${pull.number} already holds exactly these files; nothing to do.`);
                return { operation: 'none', result, pull: pullRef };
            }
            if (!sameFiles) {
                if (!(await git.pushWithLease(sha, branch, branchSha))) {
                    throw new LeaseError(`Someone pushed to '${branch}' while this run was working (the push lease on ${branchSha ?? 'a new branch'} failed); ` +
                        `nothing was overwritten.`);
                }
                logger.info(`Pushed ${sha} to ${branch}`);
            }
            if (pull) {
                const updated = await github.updatePull(pull.number, { title, body });
                return { operation: 'updated', result, pull: { number: updated.number, url: updated.html_url } };
            }
            let created;
            try {
                created = await github.createPull(branch, base, title, body, inputs.draft);
            }
            catch (err) {
                // Leave no half-made branch behind: remove what this run pushed (if nobody moved it since).
                if (!branchSha)
                    await git.deleteBranchWithLease(branch, sha).catch(() => false);
                throw err;
            }
            if (created === 'exists') {
                // Another run opened it after we looked: refresh that one (or leave it, when it says the same).
                const existing = await github.findOpenPull(branch, base);
                if (!existing)
                    throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .UpdaterError */ .em(`GitHub says a pull request from '${branch}' exists, but none is open.`);
                const ref = { number: existing.number, url: existing.html_url };
                if (existing.title === title && existing.body === body)
                    return { operation: 'none', result, pull: ref };
                await github.updatePull(existing.number, { title, body });
                return { operation: 'updated', result, pull: ref };
            }
            await github.decorate(created.number, inputs.labels, inputs.reviewers, inputs.assignees);
            return { operation: 'created', result, pull: { number: created.number, url: created.html_url } };
        });
    }
    finally {
        await git.deleteRef(baseRef);
        await git.deleteRef(headRef);
        await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.rm(work, { recursive: true, force: true });
    }
}
function describeNew(result) {
    return Object.values(result.components)
        .filter((p) => p.changed)
        .map((p) => `- ${p.component}: \`${p.image}:${p.tag}\` (x86_64 \`${p.digests.x86_64}\`, aarch64 \`${p.digests.aarch64}\`)`)
        .join('\n');
}
async function closeObsolete(inputs, base, deps, pull, branchSha, result) {
    const { git, github, logger } = deps;
    const pins = Object.values(result.components)
        .map((p) => `- ${p.component}: \`${p.image}:${p.tag}\``)
        .join('\n');
    await github.comment(pull.number, `${_describe_js__WEBPACK_IMPORTED_MODULE_5__/* .MARKER */ .tl}\n\`${base}\` already pins what the registries serve, so this pull request is obsolete; closing it.\n\n${pins}`);
    await github.updatePull(pull.number, { state: 'closed' });
    logger.info(`Closed pull request #${pull.number}`);
    if (branchSha && (await isOurs(git, branchSha))) {
        if (await git.deleteBranchWithLease(inputs.branch, branchSha))
            logger.info(`Deleted the branch ${inputs.branch}`);
        else
            logger.warning(`The branch ${inputs.branch} moved while closing; it was kept.`);
    }
    else if (branchSha) {
        logger.warning(`The branch ${inputs.branch} carries commits kindnet-updater did not make; it was kept.`);
    }
    return { operation: 'closed', result, pull: { number: pull.number, url: pull.html_url } };
}


/***/ })

};
