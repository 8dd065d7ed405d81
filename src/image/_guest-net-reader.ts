/**
 * @module The guest's reader of `multiverse.net=`, in shell: a function `read_guest_net "<kernel command
 * line>"` that finds the parameter and calls `configure_nic <mac> <interface> <a.b.c.d/p or dhcp>
 * [<gateway>]` once per entry, in order: a portal NIC is named after its network, the uplink `uplink`. A call
 * that fails is reported on the status port (`failed network <interface>`). rc.sysinit (guest-init.ts)
 * defines `configure_nic` and `status` and calls the reader with /proc/cmdline.
 *
 * The format has one definition: `GUEST_NET_ARG` in the guest ABI (separators, the uplink keyword, the order
 * of the fields), which this text interpolates, and the strict codec net/guest-net-arg.ts that writes and
 * reads it. _guest-net-reader.test.ts runs this rendered text with the guests' shells over what
 * `formatGuestNetArg` writes and holds its calls to what `parseGuestNetArg` reads. The shell trusts the
 * format and does not check it again: the value comes from the host's own daemon, which parsed it back
 * before writing it; anything else on the command line was put there by whoever controls the host. A value
 * the TypeScript parser would refuse is not refused here: at worst `configure_nic` fails and says so.
 * Pure: no I/O.
 */
import { GUEST_NET_ARG, KERNEL_PARAMS, UPLINK_INTERFACE } from '../guest-abi/index.js';

const { entrySeparator, fieldSeparator, nicFields, uplinkFields } = GUEST_NET_ARG;

/** The positional parameter (`$1` … `$9`) that holds `field` once an entry is split with `set --`. */
function at<F extends string>(order: readonly F[], field: F): string {
  return `$${order.indexOf(field) + 1}`;
}

const nic = (field: (typeof nicFields)[number]) => at(nicFields, field);
const uplink = (field: (typeof uplinkFields)[number]) => at(uplinkFields, field);

/** The calls for each kind of entry: the uplink's NIC is named `uplink`, a portal NIC after its network. */
const UPLINK_CALL = `configure_nic "${uplink('mac')}" ${UPLINK_INTERFACE} "${uplink('address')}" "${uplink('gateway')}"`;
const NIC_CALL = `configure_nic "${nic('mac')}" "${nic('network')}" "${nic('address')}" "${nic('gateway')}"`;

/** Defines `read_guest_net` in a generated sh script (which defines `configure_nic` and `status`). */
export const GUEST_NET_READER = `read_guest_net() {
  netarg=
  for token in $1; do
    case "$token" in ${KERNEL_PARAMS.net}=*) netarg="\${token#${KERNEL_PARAMS.net}=}" ;; esac
  done
  for entry in $(echo "$netarg" | tr '${entrySeparator}' ' '); do
    old_ifs=$IFS; IFS='${fieldSeparator}'; set -- $entry; IFS=$old_ifs
    if [ "${uplink('keyword')}" = ${GUEST_NET_ARG.uplinkKeyword} ]; then
      ${UPLINK_CALL} || status "failed network ${UPLINK_INTERFACE}"
    else
      ${NIC_CALL} || status "failed network ${nic('network')}"
    fi
  done
}`;
