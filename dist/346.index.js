export const id = 346;
export const ids = [346];
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


/***/ })

};
