export const id = 339;
export const ids = [339];
export const modules = {

/***/ 6339:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   GitHub: () => (/* binding */ GitHub),
/* harmony export */   explainGitHubError: () => (/* binding */ explainGitHubError)
/* harmony export */ });
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1758);
/* harmony import */ var _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9735);
/* harmony import */ var _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6856);
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4296);




const SETTING = 'Settings → Actions → General → Workflow permissions → "Allow GitHub Actions to create and approve pull requests"';
const PERMISSIONS = 'permissions:\n  contents: write\n  pull-requests: write';
/** Turns GitHub's known refusals into one clear message each. */
function explainGitHubError(err, action) {
    const status = err.status;
    const message = err?.message ?? String(err);
    if (/not permitted to create or approve pull requests/i.test(message)) {
        return new _core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .UpdaterError */ .em(`GitHub refused to ${action}: "GitHub Actions is not permitted to create or approve pull requests". ` +
            `Enable ${SETTING} in this repository (or its organization), or pass a GitHub App or personal access token in 'token'.`);
    }
    if (status === 403 && /Resource not accessible by integration/i.test(message)) {
        return new _core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .UpdaterError */ .em(`GitHub refused to ${action}: 403 "Resource not accessible by integration". The token lacks a permission: ` +
            `give the job\n${PERMISSIONS}\nor pass a token that has them in 'token'.`);
    }
    if (status === 401) {
        return new _core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .UpdaterError */ .em(`GitHub refused to ${action}: 401 Bad credentials. Check the 'token' input.`);
    }
    return new _core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .UpdaterError */ .em(`Could not ${action}: ${status ? `${status} ` : ''}${message}`);
}
class GitHub {
    owner;
    repo;
    logger;
    sleep;
    octokit;
    constructor(token, owner, repo, logger, baseUrl = process.env.GITHUB_API_URL || 'https://api.github.com', sleep = (ms) => new Promise((r) => setTimeout(r, ms))) {
        this.owner = owner;
        this.repo = repo;
        this.logger = logger;
        this.sleep = sleep;
        this.octokit = (0,_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q)(token, {
            baseUrl,
            throttle: {
                onRateLimit: (retryAfter, options, _o, retryCount) => {
                    logger.warning(`GitHub API rate limit on ${options.method} ${options.url}; retrying in ${retryAfter} s`);
                    return retryCount < 2 && retryAfter <= 60;
                },
                onSecondaryRateLimit: (retryAfter, options, _o, retryCount) => {
                    logger.warning(`GitHub API secondary rate limit on ${options.method} ${options.url}; retrying in ${retryAfter} s`);
                    return retryCount < 2 && retryAfter <= 60;
                }
            },
            retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 451] }
        }, _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_2__/* .retry */ .L, _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_3__/* .throttling */ .A);
    }
    async defaultBranch() {
        try {
            return (await this.octokit.rest.repos.get({ owner: this.owner, repo: this.repo })).data.default_branch;
        }
        catch (err) {
            throw explainGitHubError(err, `read the repository ${this.owner}/${this.repo}`);
        }
    }
    /** The open pull request from `branch` into `base`, if any. */
    async findOpenPull(branch, base) {
        try {
            const { data } = await this.octokit.rest.pulls.list({
                owner: this.owner,
                repo: this.repo,
                state: 'open',
                head: `${this.owner}:${branch}`,
                base,
                per_page: 10
            });
            return data[0];
        }
        catch (err) {
            throw explainGitHubError(err, 'list pull requests');
        }
    }
    /** Creates the pull request; 'exists' when GitHub says one is already open for the branch (a race). */
    async createPull(branch, base, title, body, draft) {
        try {
            const { data } = await this.octokit.rest.pulls.create({
                owner: this.owner,
                repo: this.repo,
                head: branch,
                base,
                title,
                body,
                draft,
                maintainer_can_modify: true
            });
            return data;
        }
        catch (err) {
            if (err.status === 422 && /A pull request already exists/i.test(String(err)))
                return 'exists';
            throw explainGitHubError(err, 'create the pull request');
        }
    }
    async updatePull(number, fields) {
        try {
            const { data } = await this.octokit.rest.pulls.update({
                owner: this.owner,
                repo: this.repo,
                pull_number: number,
                ...fields
            });
            return data;
        }
        catch (err) {
            throw explainGitHubError(err, `update pull request #${number}`);
        }
    }
    async comment(number, body) {
        try {
            await this.octokit.rest.issues.createComment({ owner: this.owner, repo: this.repo, issue_number: number, body });
        }
        catch (err) {
            throw explainGitHubError(err, `comment on pull request #${number}`);
        }
    }
    async lastComment(number) {
        try {
            const { data } = await this.octokit.rest.issues.listComments({
                owner: this.owner,
                repo: this.repo,
                issue_number: number,
                per_page: 100
            });
            return data.at(-1)?.body ?? undefined;
        }
        catch (err) {
            throw explainGitHubError(err, `read the comments of pull request #${number}`);
        }
    }
    /**
     * Labels, reviewers and assignees. GitHub answers 422 for a moment right after a pull request is
     * created; those calls are retried briefly.
     */
    async decorate(number, labels, reviewers, assignees) {
        const users = reviewers.filter((r) => !r.includes('/'));
        const teams = reviewers.filter((r) => r.includes('/')).map((r) => r.split('/').pop());
        const calls = [];
        if (labels.length > 0) {
            calls.push([
                'add labels',
                () => this.octokit.rest.issues.addLabels({ owner: this.owner, repo: this.repo, issue_number: number, labels })
            ]);
        }
        if (users.length + teams.length > 0) {
            calls.push([
                'request reviewers',
                () => this.octokit.rest.pulls.requestReviewers({
                    owner: this.owner,
                    repo: this.repo,
                    pull_number: number,
                    reviewers: users,
                    team_reviewers: teams
                })
            ]);
        }
        if (assignees.length > 0) {
            calls.push([
                'add assignees',
                () => this.octokit.rest.issues.addAssignees({ owner: this.owner, repo: this.repo, issue_number: number, assignees })
            ]);
        }
        for (const [what, call] of calls) {
            for (let attempt = 1;; attempt++) {
                try {
                    await call();
                    break;
                }
                catch (err) {
                    if (err.status === 422 && attempt < 4) {
                        this.logger.info(`GitHub answered 422 to ${what} on the new pull request; retrying (${attempt}/3)`);
                        await this.sleep(500 * attempt);
                        continue;
                    }
                    throw explainGitHubError(err, `${what} on pull request #${number}`);
                }
            }
        }
    }
}


/***/ })

};
