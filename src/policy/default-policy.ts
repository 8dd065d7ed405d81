/**
 * @module The policy a host starts with, installed as `policy.d/90-default.policy`. Every line carries the
 * reason it exists (an allow-list explains itself). It grants the host's owner the daemon's verbs and the
 * agent verbs (router verbs included), each rate-limited so that a runaway script or a stolen session key can only do
 * bounded damage per second, and refuses everything else.
 * Pure: no I/O.
 */

/**
 * File name of the default policy. It sorts after the numbers people use for their own files (`30-user`),
 * as in qrexec's `90-default`, because first match wins and this file ends with a catch-all deny: a file
 * sorting after it would never be reached.
 */
export const DEFAULT_POLICY_FILE = '90-default.policy';

/** The text of the default policy file. */
export const DEFAULT_POLICY = `# ${DEFAULT_POLICY_FILE}: the rules every Multiverse host starts with.
# Files in policy.d/ are read in lexical order of name and the first matching rule wins, so put your own
# rules in a file that sorts earlier (e.g. 30-user.policy). Fields:
#   <verb-pattern> <source> <target-pattern> allow|deny [rate=N/s|N/m|N/h] [burst=N] [max-inflight=N]
# Limits apply per key id and verb (an agent verb counts as its own verb): naming a new portal or formula
# does not buy a fresh allowance. Each is sized for a person (or a test run) starting a chain of portals at
# once, and stops a flood.

# Daemon health and version checks are read-only and cheap; a monitor may poll them.
system.*           @owner  *  allow  rate=5/s burst=10
# Listing portals is read-only; the CLI and a status bar call it often.
portal.list        @owner  *  allow  rate=5/s burst=10
# The status of one portal is read-only, and watchers poll it.
portal.status      @owner  *  allow  rate=5/s burst=10
# Logs are read-only but can be large, so they are fetched less often.
portal.logs        @owner  *  allow  rate=2/s burst=5
# Starting a portal boots a VM (seconds of CPU, memory, disk): a chain's worth at once, at most two boots at a time.
portal.up          @owner  *  allow  rate=30/m burst=10 max-inflight=2
# Stopping a portal drives a guest shutdown; as slow as starting one.
portal.down        @owner  *  allow  rate=30/m burst=10 max-inflight=2
# Removing a portal deletes its state; deliberate and rare.
portal.remove      @owner  *  allow  rate=30/m burst=10
# Running a command in a portal is interactive use; in-flight is capped so a loop cannot pile up processes.
portal.exec        @owner  *  allow  rate=5/s burst=10 max-inflight=4
# A screenshot shows what the portal's display shows, sealed to the owner; cheap, but not for video.
portal.screenshot  @owner  *  allow  rate=1/s burst=3 max-inflight=2
# A console is a long-lived session showing output only; a few attaches, a few at once.
portal.console     @owner  *  allow  rate=1/s burst=5 max-inflight=4
# Each step of an interactive shell (a batch of keystrokes, a poll for output) is one call: enough for typing
# and for output at full speed. Opening and closing one is granted separately, as agent.shell below.
portal.shell       @owner  *  allow  rate=50/s burst=100 max-inflight=4
# Building an image is minutes of CPU and gigabytes of disk: a few an hour, one at a time.
image.build        @owner  *  allow  rate=10/h burst=2 max-inflight=1
# Preparing an image builds it when missing, but it is also the first step of every up: limited like a boot.
image.prepare      @owner  *  allow  rate=30/m burst=10 max-inflight=2
# Storing the owner's signature of an image manifest; the daemon checks it against the owner's keys first.
image.sign         @owner  *  allow  rate=30/m burst=10
# Allowing an older image version to boot lowers rollback protection for one boot: deliberate and rare.
image.allow-downgrade @owner  *  allow  rate=6/m burst=2
# Listing images is read-only (each listed signature is checked, which is cheap).
image.list         @owner  *  allow  rate=2/s burst=5
# Showing one image is read-only.
image.show         @owner  *  allow  rate=2/s burst=5
# Verifying re-hashes every artifact (gigabytes of reads): a few a minute, one at a time.
image.verify       @owner  *  allow  rate=6/m burst=2 max-inflight=1
# Removing an image deletes files: deliberate and rare.
image.remove       @owner  *  allow  rate=10/m burst=3
# Garbage collection deletes every unreferenced image: deliberate, rare, one at a time.
image.gc           @owner  *  allow  rate=6/m burst=2 max-inflight=1
# Showing the Debian archive the daemon builds from reads the host's apt files: read-only and cheap.
image.sources      @owner  *  allow  rate=2/s burst=5
# Checking for outdated packages may fetch the archive's package indices (megabytes): a few a minute, one at a time.
image.outdated     @owner  *  allow  rate=6/m burst=2 max-inflight=1
# The formula tree the daemon boots from is read for every plan, net, route and up: read-only, a few files.
formula.tree       @owner  *  allow  rate=5/s burst=10
# The audit log is read in pages of up to 1 MiB, every one for a whole verify, so the burst covers a large
# log; one page at a time.
audit.read         @owner  *  allow  rate=20/s burst=60 max-inflight=1
# Revoking a key is always the owner's to do (the record itself must carry their root signature).
identity.revoke    @owner  *  allow  rate=1/s burst=5
# Agent verbs reach into a portal through its small, single-threaded guest agent, so every one of them is
# heavily rate-limited: a flood must neither wedge the agent nor crowd out other portals.
# A liveness probe: cheap, but each one still wakes the guest agent.
agent.ping         @owner  *  allow  rate=2/s burst=10
# A status probe, same reasoning as ping; portal.status asks it (without it, status shows no agent part).
agent.status       @owner  *  allow  rate=2/s burst=10
# Changing the hostname is configuration: rare.
agent.hostname     @owner  *  allow  rate=6/m burst=2
# Changing network settings is configuration: rare, and one change at a time.
agent.net-config   @owner  *  allow  rate=6/m burst=2 max-inflight=1
# Mounting the share is configuration: rare, and one mount at a time.
agent.mount-share  @owner  *  allow  rate=6/m burst=2 max-inflight=1
# Starting an allow-listed program in the guest; a few a minute, two at once.
agent.run          @owner  *  allow  rate=60/m burst=10 max-inflight=4
# Powering a portal off is how portal.down asks the guest first (without it, down starts at the ACPI button):
# limited like portal.down.
agent.poweroff     @owner  *  allow  rate=30/m burst=10 max-inflight=2
# Router verbs (README "Setting up the chain"). Fresh Tor circuits: Tor itself honours one NEWNYM per 10 s.
agent.new-identity @owner  *  allow  rate=6/m burst=2 max-inflight=1
# Moving the VPN tunnel to another server drops every connection through it: rare, one at a time.
agent.switch-endpoint @owner  *  allow  rate=6/m burst=2 max-inflight=1
# Putting a router back to its formula's state drops its connections too: rare, one at a time.
agent.reset        @owner  *  allow  rate=6/m burst=2 max-inflight=1
# A root shell in a router could rewrite the rules that keep the chain apart: no shell there unless your own
# policy grants one (e.g. "agent.shell @owner router.star allow rate=1/s burst=3" in 30-user.policy).
agent.shell        @owner  router.*  deny
# Opening (and closing) a root shell in any other portal of the owner's: a few a second.
agent.shell        @owner  *  allow  rate=1/s burst=5
# Everything else, from anyone, is refused. No match would deny anyway; the explicit rule documents it and
# makes the audit log say policy.denied with this file:line.
*                  *       *  deny
`;
