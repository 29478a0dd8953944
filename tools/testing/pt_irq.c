// SPDX-License-Identifier: GPL-2.0
/*
 * pt_irq: a device's interrupts as eventfds, as a VMM uses them, on the
 * kselftest harness (TAP out; exit status 0 when all passed).  One group
 * of tests per call (a FIXTURE of the group's name, '-' as '_'), each
 * test in its own process with the device opened afresh:
 *
 *   pt_irq info BDF         PASSTHRU_IRQ_INFO of every index; SET_IRQS
 *                           argument rules; eventfds need an attached device
 *   pt_irq edu-intx BDF     edu INTx: raise counts once and masks; further
 *                           raises do not count while masked; ack + unmask
 *                           by ioctl, and by the unmask eventfd, rearm it;
 *                           an unmask while still asserted signals again
 *   pt_irq edu-msi BDF      edu MSI: 200 round trips without loss; a masked
 *                           vector's interrupt is delivered at unmask;
 *                           loopback trigger; the /proc/interrupts name
 *   pt_irq switch BDF N [edu]
 *                           N rounds of INTx -> MSI -> MSI-X -> none (the
 *                           types the function has), loopback-fired; with
 *                           edu, a thread raises real interrupts meanwhile
 *   pt_irq nvme-msix BDF    nvme MSI-X: an admin command's completion
 *                           (Identify, queues in mapped memory) signals
 *                           vector 0; masked, a completion signals nothing
 *                           until the unmask delivers it
 *   pt_irq request BDF obey|ignore
 *                           a thread unbinds the function while this VMM
 *                           holds it with a request eventfd: obey closes at
 *                           the first signal; ignore keeps it open until
 *                           passthru revokes it (ENODEV, SIGBUS after)
 *   pt_irq hotunplug BDF ID obey|ignore
 *                           as request, but the host (QEMU) unplugs the
 *                           function with QEMU id ID while this VMM holds
 *                           it with MSI armed.  The test asks for it with a
 *                           "PT-QMP {json}" line written straight to the
 *                           results port (/dev/ttyS1, which scripts/qmp.py
 *                           follows), not to stdout: ktap_sub holds stdout
 *                           until the program ends.
 *
 * request and hotunplug leave the function away from passthru (unbound,
 * unplugged): the calling script gives it back.
 */
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/mman.h>

#include "pt_nvme.h"
#include "pt_util.h"
#include "kselftest_harness.h"
#include "pt_harness.h"

#define USAGE "info|edu-intx|edu-msi|nvme-msix BDF | switch BDF ROUNDS [edu] | " \
	"request BDF obey|ignore | hotunplug BDF ID obey|ignore"

/*
 * The guest's results port (tools/testing/guest/init): the host reads
 * "PT-QMP" lines there as they come (lib.sh's qmp() writes there too).
 */
#define PG 4096UL
#define EDU_RAISE 0x60
#define EDU_ACK 0x64

static void edu_wr(uint8_t *bar0, unsigned int off, uint32_t v)
{
	__atomic_store_n((uint32_t *)(bar0 + off), v, __ATOMIC_RELAXED);
}

static void edu_raise(uint8_t *bar0)
{
	edu_wr(bar0, EDU_RAISE, 1);
}

static void edu_ack(uint8_t *bar0)
{
	edu_wr(bar0, EDU_ACK, 1);
}

/* A VMM's hold on a function: its node, a VM, the first page of BAR0. */
struct vmm {
	const char *bdf;
	int fd, vm;
	uint8_t *bar0;
};

static void vmm_init(struct vmm *v, const char *bdf)
{
	v->bdf = bdf;
	v->fd = -1;
	v->vm = -1;
	v->bar0 = NULL;
}

static void vmm_open_node(struct __test_metadata *_metadata, struct vmm *v)
{
	ASSERT_NE(NULL, v->bdf) TH_LOG("usage: pt_irq %s", USAGE);
	v->fd = node_open(v->bdf);
	ASSERT_LE(0, v->fd) TH_LOG("open the node of %s: %s", v->bdf,
				   strerror(errno));
}

/*
 * Attach the open node to a new VM, map the first page of BAR0, and turn
 * bus mastering on, as the guest's driver does (an MSI is a memory write).
 */
static void vmm_attach(struct __test_metadata *_metadata, struct vmm *v)
{
	struct passthru_device_attach a = { .size = sizeof(a) };
	uint64_t cfg = PASSTHRU_REGION_OFFSET(PASSTHRU_REGION_CONFIG);
	uint16_t cmd;
	void *p;

	v->vm = open("/dev/passthru/vm", O_RDWR);
	ASSERT_LE(0, v->vm) TH_LOG("open the VM: %s", strerror(errno));
	a.vm_fd = v->vm;
	ASSERT_EQ(0, pt_ioctl(v->fd, PASSTHRU_DEVICE_ATTACH, &a))
		TH_LOG("attach: %s", strerror(errno));
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd,
		 PASSTHRU_REGION_OFFSET(0));
	ASSERT_NE(MAP_FAILED, p) TH_LOG("mmap BAR0: %s", strerror(errno));
	v->bar0 = p;
	ASSERT_EQ(2, pread(v->fd, &cmd, 2, cfg + PCI_COMMAND))
		TH_LOG("read the command register: %s", strerror(errno));
	cmd |= PCI_COMMAND_MASTER;
	ASSERT_EQ(2, pwrite(v->fd, &cmd, 2, cfg + PCI_COMMAND))
		TH_LOG("write the command register: %s", strerror(errno));
}

static void vmm_open(struct __test_metadata *_metadata, struct vmm *v)
{
	vmm_open_node(_metadata, v);
	vmm_attach(_metadata, v);
}

/* Unmap (a mapping holds the file open), close; each at most once. */
static void vmm_close(struct vmm *v)
{
	if (v->bar0)
		munmap(v->bar0, PG);
	v->bar0 = NULL;
	if (v->fd >= 0)
		close(v->fd);
	v->fd = -1;
	if (v->vm >= 0)
		close(v->vm);
	v->vm = -1;
}

static int32_t efd_new(struct __test_metadata *_metadata)
{
	int32_t efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	ASSERT_LE(0, efd) TH_LOG("eventfd: %s", strerror(errno));
	return efd;
}

static void efd_close(int32_t *efd)
{
	if (*efd >= 0)
		close(*efd);
	*efd = -1;
}

static void efd_write(struct __test_metadata *_metadata, int32_t efd)
{
	uint64_t one = 1;

	ASSERT_EQ((ssize_t)sizeof(one), write(efd, &one, sizeof(one)))
		TH_LOG("write the eventfd: %s", strerror(errno));
}

/* The node, open but not attached, and an eventfd. */
FIXTURE(info) {
	struct vmm v;
	int32_t efd;
};

FIXTURE_SETUP(info)
{
	vmm_init(&self->v, pt_arg(0, NULL));
	self->efd = -1;
	vmm_open_node(_metadata, &self->v);
	self->efd = efd_new(_metadata);
}

FIXTURE_TEARDOWN(info)
{
	vmm_close(&self->v);
	efd_close(&self->efd);
}

TEST_F(info, every_index_answers)
{
	static const char * const names[PASSTHRU_NUM_IRQS] = {
		"intx", "msi", "msix", "error", "request",
	};
	struct passthru_irq_info info;
	unsigned int i;
	int err;

	for (i = 0; i < PASSTHRU_NUM_IRQS; i++) {
		err = irq_info(self->v.fd, i, &info);
		EXPECT_EQ(0, err) TH_LOG("%s: %s", names[i], strerror(err));
		TH_LOG("%s %s: %u vectors, caps %#x, active %u", self->v.bdf,
		       names[i], info.count, info.caps, info.active);
	}
}

TEST_F(info, intx_is_there_and_maskable)
{
	struct passthru_irq_info info;

	EXPECT_EQ(0, irq_info(self->v.fd, PASSTHRU_IRQ_INTX, &info));
	EXPECT_EQ(1u, info.count);
	EXPECT_TRUE(!!(info.caps & PASSTHRU_IRQ_CAP_MASK)) TH_LOG("caps %#x", info.caps);
}

TEST_F(info, an_unknown_index_is_einval)
{
	struct passthru_irq_info info;

	EXPECT_EQ(EINVAL, irq_info(self->v.fd, PASSTHRU_NUM_IRQS, &info));
}

TEST_F(info, eventfds_before_attach_are_eperm)
{
	EXPECT_EQ(EPERM, set_fds(self->v.fd, PASSTHRU_IRQ_INTX, 0, 1, &self->efd));
}

TEST_F(info, two_actions_are_einval)
{
	vmm_attach(_metadata, &self->v);
	EXPECT_EQ(EINVAL, set_irqs(self->v.fd, PASSTHRU_IRQ_SET_EVENTFD |
				   PASSTHRU_IRQ_SET_MASK, PASSTHRU_IRQ_INTX,
				   0, 1, &self->efd));
}

TEST_F(info, no_action_is_einval)
{
	vmm_attach(_metadata, &self->v);
	EXPECT_EQ(EINVAL, set_irqs(self->v.fd, 0, PASSTHRU_IRQ_INTX, 0, 1,
				   &self->efd));
}

TEST_F(info, a_block_beyond_the_vectors_is_einval)
{
	vmm_attach(_metadata, &self->v);
	EXPECT_EQ(EINVAL, set_fds(self->v.fd, PASSTHRU_IRQ_INTX, 0, 2, NULL));
}

TEST_F(info, a_descriptor_that_is_no_eventfd_is_einval)
{
	vmm_attach(_metadata, &self->v);
	EXPECT_EQ(EINVAL, set_fds(self->v.fd, PASSTHRU_IRQ_INTX, 0, 1,
				  (int32_t[]){ 0 }));
}

TEST_F(info, a_closed_descriptor_is_ebadf)
{
	vmm_attach(_metadata, &self->v);
	EXPECT_EQ(EBADF, set_fds(self->v.fd, PASSTHRU_IRQ_INTX, 0, 1,
				 (int32_t[]){ 999 }));
}

TEST_F(info, masking_a_notification_is_einval)
{
	vmm_attach(_metadata, &self->v);
	EXPECT_EQ(EINVAL, set_irqs(self->v.fd, PASSTHRU_IRQ_SET_MASK,
				   PASSTHRU_IRQ_REQUEST, 0, 1, NULL));
}

TEST_F(info, an_unmask_eventfd_on_msi_is_einval)
{
	vmm_attach(_metadata, &self->v);
	EXPECT_EQ(EINVAL, set_irqs(self->v.fd, PASSTHRU_IRQ_SET_UNMASK_EVENTFD,
				   PASSTHRU_IRQ_MSI, 0, 1, &self->efd));
}

TEST_F(info, the_request_eventfd_is_signalled_by_loopback)
{
	vmm_attach(_metadata, &self->v);
	ASSERT_EQ(0, set_fds(self->v.fd, PASSTHRU_IRQ_REQUEST, 0, 1, &self->efd));
	ASSERT_EQ(0, set_irqs(self->v.fd, PASSTHRU_IRQ_SET_TRIGGER,
			      PASSTHRU_IRQ_REQUEST, 0, 1, NULL));
	EXPECT_EQ((uint64_t)1, wait_efd(self->efd, 1000));
}

TEST_F(info, the_error_eventfd_is_signalled_by_loopback)
{
	struct passthru_irq_info info;

	vmm_attach(_metadata, &self->v);
	irq_info(self->v.fd, PASSTHRU_IRQ_ERROR, &info);
	if (!info.count)
		SKIP(return, "%s has no error vector", self->v.bdf);
	ASSERT_EQ(0, set_fds(self->v.fd, PASSTHRU_IRQ_ERROR, 0, 1, &self->efd));
	ASSERT_EQ(0, set_irqs(self->v.fd, PASSTHRU_IRQ_SET_TRIGGER,
			      PASSTHRU_IRQ_ERROR, 0, 1, NULL));
	EXPECT_EQ((uint64_t)1, wait_efd(self->efd, 1000));
}

/* edu attached, with an eventfd on INTx (the signal masks it) and one to unmask. */
FIXTURE(edu_intx) {
	struct vmm v;
	int32_t efd, ufd;
};

FIXTURE_SETUP(edu_intx)
{
	vmm_init(&self->v, pt_arg(0, NULL));
	self->efd = -1;
	self->ufd = -1;
	vmm_open(_metadata, &self->v);
	self->efd = efd_new(_metadata);
	self->ufd = efd_new(_metadata);
	ASSERT_EQ(0, set_fds(self->v.fd, PASSTHRU_IRQ_INTX, 0, 1, &self->efd))
		TH_LOG("intx: eventfd set");
}

FIXTURE_TEARDOWN(edu_intx)
{
	/* edu has no reset: a raise a failed test left must not outlive it. */
	if (self->v.bar0)
		edu_ack(self->v.bar0);
	vmm_close(&self->v);
	efd_close(&self->efd);
	efd_close(&self->ufd);
}

/* Unmask INTx by ioctl. */
static int intx_unmask(int fd)
{
	return set_irqs(fd, PASSTHRU_IRQ_SET_UNMASK, PASSTHRU_IRQ_INTX, 0, 1, NULL);
}

TEST_F(edu_intx, proc_interrupts_names_the_vector)
{
	EXPECT_EQ(1, proc_interrupts("passthru-intx[0]"));
}

TEST_F(edu_intx, a_raise_signals_once_and_masks_until_acked_and_unmasked)
{
	uint8_t *bar0 = self->v.bar0;

	edu_raise(bar0);
	ASSERT_EQ((uint64_t)1, wait_efd(self->efd, 2000))
		TH_LOG("a raise signals the eventfd once");
	edu_ack(bar0);
	edu_raise(bar0);
	EXPECT_EQ((uint64_t)0, wait_efd(self->efd, 300))
		TH_LOG("while masked, another raise does not count");
	edu_ack(bar0);
	EXPECT_EQ(0, intx_unmask(self->v.fd));
	EXPECT_EQ((uint64_t)0, wait_efd(self->efd, 300))
		TH_LOG("unmask after the ack signals nothing");
	edu_raise(bar0);
	EXPECT_EQ((uint64_t)1, wait_efd(self->efd, 2000))
		TH_LOG("after ack and unmask (ioctl) the next raise counts");
	edu_ack(bar0);
}

TEST_F(edu_intx, a_write_to_the_unmask_eventfd_rearms_it)
{
	uint8_t *bar0 = self->v.bar0;

	edu_raise(bar0);
	ASSERT_EQ((uint64_t)1, wait_efd(self->efd, 2000))
		TH_LOG("a raise signals the eventfd (and masks INTx)");
	edu_ack(bar0);
	ASSERT_EQ(0, set_irqs(self->v.fd, PASSTHRU_IRQ_SET_UNMASK_EVENTFD,
			      PASSTHRU_IRQ_INTX, 0, 1, &self->ufd))
		TH_LOG("intx: unmask eventfd set");
	efd_write(_metadata, self->ufd);
	edu_raise(bar0);
	EXPECT_EQ((uint64_t)1, wait_efd(self->efd, 2000))
		TH_LOG("after ack and unmask (eventfd) the next raise counts");
	edu_ack(bar0);
}

TEST_F(edu_intx, an_unmask_while_still_asserted_signals_again)
{
	uint8_t *bar0 = self->v.bar0;

	ASSERT_EQ(0, set_irqs(self->v.fd, PASSTHRU_IRQ_SET_UNMASK_EVENTFD,
			      PASSTHRU_IRQ_INTX, 0, 1, &self->ufd))
		TH_LOG("intx: unmask eventfd set");
	edu_raise(bar0);
	ASSERT_EQ((uint64_t)1, wait_efd(self->efd, 2000))
		TH_LOG("a raise signals the eventfd (and masks INTx)");
	/* Not acknowledged: an unmask finds INTx still asserted. */
	EXPECT_EQ(0, intx_unmask(self->v.fd));
	EXPECT_EQ((uint64_t)1, wait_efd(self->efd, 2000))
		TH_LOG("an unmask (ioctl) while still asserted signals again");
	efd_write(_metadata, self->ufd);
	EXPECT_EQ((uint64_t)1, wait_efd(self->efd, 2000))
		TH_LOG("so does an unmask through the eventfd");
	edu_ack(bar0);
	EXPECT_EQ(0, intx_unmask(self->v.fd));
	EXPECT_EQ((uint64_t)0, wait_efd(self->efd, 300))
		TH_LOG("acknowledged, an unmask is quiet");
}

TEST_F(edu_intx, masked_by_ioctl_a_raise_does_not_count)
{
	EXPECT_EQ(0, set_irqs(self->v.fd, PASSTHRU_IRQ_SET_MASK,
			      PASSTHRU_IRQ_INTX, 0, 1, NULL));
	edu_raise(self->v.bar0);
	EXPECT_EQ((uint64_t)0, wait_efd(self->efd, 300));
	edu_ack(self->v.bar0);
}

TEST_F(edu_intx, count_0_tears_it_down)
{
	EXPECT_EQ(0, set_fds(self->v.fd, PASSTHRU_IRQ_INTX, 0, 0, NULL));
	EXPECT_EQ(0, proc_interrupts("passthru-"));
}

/* edu attached, with an eventfd on MSI vector 0. */
FIXTURE(edu_msi) {
	struct vmm v;
	int32_t efd;
	char name[64];
};

FIXTURE_SETUP(edu_msi)
{
	vmm_init(&self->v, pt_arg(0, NULL));
	self->efd = -1;
	vmm_open(_metadata, &self->v);
	self->efd = efd_new(_metadata);
	ASSERT_EQ(0, set_fds(self->v.fd, PASSTHRU_IRQ_MSI, 0, 1, &self->efd))
		TH_LOG("msi: eventfd set");
	snprintf(self->name, sizeof(self->name), "passthru-msi[0](%s)",
		 self->v.bdf);
}

FIXTURE_TEARDOWN(edu_msi)
{
	if (self->v.bar0)
		edu_ack(self->v.bar0);
	vmm_close(&self->v);
	efd_close(&self->efd);
}

TEST_F(edu_msi, info_says_one_vector_is_active)
{
	struct passthru_irq_info info;

	EXPECT_EQ(0, irq_info(self->v.fd, PASSTHRU_IRQ_MSI, &info));
	EXPECT_EQ(1u, info.active);
}

TEST_F(edu_msi, proc_interrupts_names_it)
{
	EXPECT_EQ(1, proc_interrupts(self->name))
		TH_LOG("lines with %s", self->name);
}

TEST_F(edu_msi, 200_round_trips_without_loss)
{
	unsigned int i, got = 0;

	/* Three lost in a row and more: stop, it has failed. */
	for (i = 0; i < 200 && got + 3 > i; i++) {
		edu_raise(self->v.bar0);
		got += wait_efd(self->efd, 500) == 1;
		edu_ack(self->v.bar0);
	}
	EXPECT_EQ(200u, got);
}

TEST_F(edu_msi, a_masked_vector_delivers_its_interrupt_at_unmask)
{
	EXPECT_EQ(0, set_irqs(self->v.fd, PASSTHRU_IRQ_SET_MASK,
			      PASSTHRU_IRQ_MSI, 0, 1, NULL));
	edu_raise(self->v.bar0);
	EXPECT_EQ((uint64_t)0, wait_efd(self->efd, 300))
		TH_LOG("a masked vector does not signal");
	edu_ack(self->v.bar0);
	EXPECT_EQ(0, set_irqs(self->v.fd, PASSTHRU_IRQ_SET_UNMASK,
			      PASSTHRU_IRQ_MSI, 0, 1, NULL));
	EXPECT_EQ((uint64_t)1, wait_efd(self->efd, 1000))
		TH_LOG("unmask delivers the pending interrupt");
	EXPECT_EQ(0, set_irqs(self->v.fd, PASSTHRU_IRQ_SET_UNMASK,
			      PASSTHRU_IRQ_MSI, 0, 1, NULL));
	EXPECT_EQ((uint64_t)0, wait_efd(self->efd, 300))
		TH_LOG("a second unmask delivers nothing more");
}

TEST_F(edu_msi, loopback_trigger_signals_it)
{
	EXPECT_EQ(0, set_irqs(self->v.fd, PASSTHRU_IRQ_SET_TRIGGER,
			      PASSTHRU_IRQ_MSI, 0, 1, NULL));
	EXPECT_EQ((uint64_t)1, wait_efd(self->efd, 1000));
}

TEST_F(edu_msi, minus_1_takes_the_vectors_eventfd_away)
{
	EXPECT_EQ(0, set_fds(self->v.fd, PASSTHRU_IRQ_MSI, 0, 1,
			     (int32_t[]){ -1 }));
	edu_raise(self->v.bar0);
	EXPECT_EQ((uint64_t)0, wait_efd(self->efd, 300));
	edu_ack(self->v.bar0);
}

TEST_F(edu_msi, count_0_tears_msi_down)
{
	EXPECT_EQ(0, set_fds(self->v.fd, PASSTHRU_IRQ_MSI, 0, 0, NULL));
	EXPECT_EQ(0, proc_interrupts(self->name));
}

#define NVME_VECTORS 4u

/*
 * nvme attached, admin queues in VM memory, eventfds on the first four
 * MSI-X vectors, the controller enabled.
 */
FIXTURE(nvme_msix) {
	struct pt_nvme n;
	int32_t efd[NVME_VECTORS];
	int closed;
};

FIXTURE_SETUP(nvme_msix)
{
	const char *bdf = pt_arg(0, NULL);
	struct passthru_irq_info info;
	unsigned int i;
	int err;

	self->closed = 1;
	for (i = 0; i < NVME_VECTORS; i++)
		self->efd[i] = -1;
	ASSERT_NE(NULL, bdf) TH_LOG("usage: pt_irq %s", USAGE);
	for (i = 0; i < NVME_VECTORS; i++)
		self->efd[i] = efd_new(_metadata);
	self->closed = 0;
	err = nvme_open(&self->n, bdf, 0x100000);
	ASSERT_EQ(0, err) TH_LOG("nvme: open, attach, map: %s", strerror(err));
	err = irq_info(self->n.dev, PASSTHRU_IRQ_MSIX, &info);
	ASSERT_EQ(0, err) TH_LOG("MSI-X info: %s", strerror(err));
	ASSERT_LE(NVME_VECTORS, info.count) TH_LOG("nvme: MSI-X has vectors");
	err = set_fds(self->n.dev, PASSTHRU_IRQ_MSIX, 0, NVME_VECTORS, self->efd);
	ASSERT_EQ(0, err) TH_LOG("nvme: eventfds on 4 MSI-X vectors: %s",
				 strerror(err));
	err = nvme_enable(&self->n);
	ASSERT_EQ(0, err)
		TH_LOG("nvme: controller enabled with admin queues in VM memory: %s, CSTS %#x",
		       strerror(err), nvme_rd32(&self->n, NVME_CSTS));
}

FIXTURE_TEARDOWN(nvme_msix)
{
	unsigned int i;

	if (!self->closed)
		nvme_close(&self->n);
	for (i = 0; i < NVME_VECTORS; i++)
		efd_close(&self->efd[i]);
}

TEST_F(nvme_msix, identify_completes_and_signals_vector_0_only)
{
	const uint8_t *vid = self->n.mem + 2 * PG;
	struct nvme_cqe cqe = { 0 };
	uint16_t cid;

	cid = nvme_identify(&self->n, 1);
	EXPECT_EQ((uint64_t)1, wait_efd(self->efd[0], 2000))
		TH_LOG("nvme: the admin completion signals vector 0");
	EXPECT_TRUE(nvme_reap(&self->n, &cqe)) TH_LOG("nvme: the Identify completed");
	EXPECT_EQ(cid, cqe.cid);
	EXPECT_EQ(0, cqe.status >> 1) TH_LOG("status %#x", cqe.status);
	/* PCI_VENDOR_ID of QEMU's nvme (Red Hat, 0x1b36), little-endian. */
	EXPECT_EQ(0, memcmp(vid, "\x36\x1b", 2))
		TH_LOG("Identify Controller names the vendor: VID %02x%02x",
		       vid[1], vid[0]);
	EXPECT_EQ((uint64_t)0, wait_efd(self->efd[1], 0))
		TH_LOG("nvme: vector 1 stayed quiet");
}

TEST_F(nvme_msix, masked_a_completion_is_silent_until_the_unmask)
{
	struct nvme_cqe cqe = { 0 };
	uint16_t cid;

	ASSERT_EQ(0, set_irqs(self->n.dev, PASSTHRU_IRQ_SET_MASK,
			      PASSTHRU_IRQ_MSIX, 0, 1, NULL));
	cid = nvme_identify(&self->n, 1);
	usleep(300000);
	EXPECT_EQ((uint64_t)0, wait_efd(self->efd[0], 0))
		TH_LOG("nvme: masked, vector 0 is silent");
	EXPECT_TRUE(nvme_reap(&self->n, &cqe))
		TH_LOG("nvme: masked, the completion arrives");
	EXPECT_EQ(cid, cqe.cid);
	EXPECT_EQ(0, set_irqs(self->n.dev, PASSTHRU_IRQ_SET_UNMASK,
			      PASSTHRU_IRQ_MSIX, 0, 1, NULL));
	EXPECT_EQ((uint64_t)1, wait_efd(self->efd[0], 1000))
		TH_LOG("nvme: unmask delivers the pending interrupt");
}

TEST_F(nvme_msix, closing_tears_the_vectors_down)
{
	unsigned int i;

	nvme_close(&self->n);
	self->closed = 1;
	for (i = 0; i < NVME_VECTORS; i++)
		efd_close(&self->efd[i]);
	EXPECT_EQ(0, proc_interrupts("passthru-"));
}

#define SWITCH_FDS 64

/* edu: raise and acknowledge interrupts until told to stop. */
struct raiser {
	uint8_t *bar0;
	int on, started;
	pthread_t thread;
};

static void *raise_until_stopped(void *arg)
{
	struct raiser *r = arg;

	while (__atomic_load_n(&r->on, __ATOMIC_RELAXED)) {
		edu_raise(r->bar0);
		usleep(200);
		edu_ack(r->bar0);
	}
	return NULL;
}

static void raiser_stop(struct raiser *r)
{
	if (!r->started)
		return;
	__atomic_store_n(&r->on, 0, __ATOMIC_RELAXED);
	pthread_join(r->thread, NULL);
	r->started = 0;
}

/* The function attached, eventfds for as many vectors as a type uses here. */
FIXTURE(switch) {
	struct vmm v;
	unsigned int rounds;
	int edu;
	int32_t fds[SWITCH_FDS];
	struct raiser raiser;
};

FIXTURE_SETUP(switch)
{
	const char *rounds = pt_arg(1, NULL);
	unsigned int i;

	vmm_init(&self->v, pt_arg(0, NULL));
	for (i = 0; i < SWITCH_FDS; i++)
		self->fds[i] = -1;
	ASSERT_NE(NULL, rounds) TH_LOG("usage: pt_irq %s", USAGE);
	self->rounds = atoi(rounds);
	self->edu = !strcmp(pt_arg(2, ""), "edu");
	vmm_open(_metadata, &self->v);
	for (i = 0; i < SWITCH_FDS; i++)
		self->fds[i] = efd_new(_metadata);
}

FIXTURE_TEARDOWN(switch)
{
	unsigned int i;

	raiser_stop(&self->raiser);
	vmm_close(&self->v);
	for (i = 0; i < SWITCH_FDS; i++)
		efd_close(&self->fds[i]);
}

/*
 * One sequence: every round enables each type the function has on all
 * its vectors (MSI-X: up to 64), fires the last by loopback, and tears
 * them all down; then it is judged, and the closed file must have left no
 * interrupt.  Rounds take milliseconds, or a second for a lost loopback.
 */
TEST_F_TIMEOUT(switch, rounds_of_intx_msi_msix_and_none_fire_and_leave_nothing, 600)
{
	static const unsigned int types[] = { PASSTHRU_IRQ_INTX,
					      PASSTHRU_IRQ_MSI,
					      PASSTHRU_IRQ_MSIX };
	unsigned int r, t, n[ARRAY_SIZE(types)], fired = 0, errs = 0;
	struct passthru_irq_info info;
	int fd = self->v.fd, err = 0;

	for (t = 0; t < ARRAY_SIZE(types); t++) {
		irq_info(fd, types[t], &info);
		n[t] = info.count < SWITCH_FDS ? info.count : SWITCH_FDS;
	}
	if (self->edu) {
		self->raiser.bar0 = self->v.bar0;
		self->raiser.on = 1;
		ASSERT_EQ(0, pthread_create(&self->raiser.thread, NULL,
					    raise_until_stopped, &self->raiser));
		self->raiser.started = 1;
	}
	for (r = 0; r < self->rounds; r++) {
		for (t = 0; t < ARRAY_SIZE(types); t++) {
			if (!n[t])
				continue;
			err = set_fds(fd, types[t], 0, n[t], self->fds);
			err = err ?: set_irqs(fd, PASSTHRU_IRQ_SET_TRIGGER,
					      types[t], 0, n[t], NULL);
			if (err)
				errs++;
			else
				fired += wait_efd(self->fds[n[t] - 1], 1000) > 0;
			if (types[t] == PASSTHRU_IRQ_INTX)
				set_irqs(fd, PASSTHRU_IRQ_SET_UNMASK, types[t],
					 0, 1, NULL);
		}
		err = set_fds(fd, PASSTHRU_IRQ_MSIX, 0, 0, NULL);
		err = err ?: set_fds(fd, PASSTHRU_IRQ_MSI, 0, 0, NULL);
		err = err ?: set_fds(fd, PASSTHRU_IRQ_INTX, 0, 0, NULL);
		if (err || proc_interrupts("passthru-"))
			errs++;
	}
	raiser_stop(&self->raiser);
	TH_LOG("%s: INTx %u, MSI %u, MSI-X %u vectors, %u rounds", self->v.bdf,
	       n[0], n[1], n[2], self->rounds);
	EXPECT_EQ(0u, errs)
		TH_LOG("switch: every switch and teardown worked; last: %s",
		       strerror(err));
	EXPECT_EQ(self->rounds * (!!n[0] + !!n[1] + !!n[2]), fired)
		TH_LOG("switch: each type's loopback reached its eventfd");
	vmm_close(&self->v);
	EXPECT_EQ(0, proc_interrupts("passthru-"))
		TH_LOG("switch: no interrupt left in /proc/interrupts");
}

/*
 * A VMM that ignored the request: revoked, with nothing left behind.  Its
 * BAR0 mapping (still there) must fault.
 */
static void expect_revoked(struct __test_metadata *_metadata, const struct vmm *v)
{
	struct passthru_irq_info info;

	EXPECT_EQ(ENODEV, irq_info(v->fd, PASSTHRU_IRQ_MSI, &info))
		TH_LOG("ignored, the VMM's calls are ENODEV");
	EXPECT_TRUE(pt_self_sigbus(v->bar0))
		TH_LOG("ignored, the mapped BAR gets SIGBUS");
	EXPECT_EQ(0, proc_interrupts("passthru-"))
		TH_LOG("ignored, its interrupts are gone");
}

/* The VMM lets go at the request: unmap (the mapping holds the file), close. */
static void obey(struct vmm *v)
{
	munmap(v->bar0, PG);
	v->bar0 = NULL;
	close(v->fd);
	v->fd = -1;
}

/* "obey" or "ignore" the request. */
static int obey_arg(struct __test_metadata *_metadata, const char *how)
{
	ASSERT_TRUE(!strcmp(how, "obey") || !strcmp(how, "ignore"))
		TH_LOG("usage: pt_irq %s", USAGE);
	return !strcmp(how, "obey");
}

/* An unbind of the function from passthru, in a thread. */
struct unbinder {
	const char *bdf;
	double ms;
	int started;
	pthread_t thread;
};

static void *unbind_thread(void *arg)
{
	struct unbinder *u = arg;
	double t0 = now_ms();

	write_file("/sys/bus/pci/drivers/passthru/unbind", u->bdf);
	u->ms = now_ms() - t0;
	return NULL;
}

/* edu attached, with eventfds on the request notification and on MSI. */
FIXTURE(request) {
	struct vmm v;
	int obey;
	int32_t req, msi;
	struct unbinder unbinder;
};

FIXTURE_SETUP(request)
{
	vmm_init(&self->v, pt_arg(0, NULL));
	self->req = -1;
	self->msi = -1;
	self->obey = obey_arg(_metadata, pt_arg(1, ""));
	vmm_open(_metadata, &self->v);
	self->req = efd_new(_metadata);
	self->msi = efd_new(_metadata);
	ASSERT_EQ(0, set_fds(self->v.fd, PASSTHRU_IRQ_REQUEST, 0, 1, &self->req))
		TH_LOG("request: request eventfd set");
	ASSERT_EQ(0, set_fds(self->v.fd, PASSTHRU_IRQ_MSI, 0, 1, &self->msi))
		TH_LOG("request: MSI eventfd set");
}

FIXTURE_TEARDOWN(request)
{
	/* Letting go lets a pending unbind finish. */
	vmm_close(&self->v);
	if (self->unbinder.started)
		pthread_join(self->unbinder.thread, NULL);
	efd_close(&self->req);
	efd_close(&self->msi);
}

/*
 * One sequence: a thread unbinds the function; the request eventfd is
 * signalled; obeyed, the unbind finishes at once; ignored, the request is
 * repeated, and passthru revokes the VMM when release_timeout_ms is over.
 */
TEST_F_TIMEOUT(request, an_unbind_asks_the_vmm_which_lets_go_or_is_revoked, 120)
{
	struct unbinder *u = &self->unbinder;
	uint64_t n;

	u->bdf = self->v.bdf;
	ASSERT_EQ(0, pthread_create(&u->thread, NULL, unbind_thread, u));
	u->started = 1;
	n = wait_efd(self->req, 5000);
	ASSERT_LE((uint64_t)1, n)
		TH_LOG("request: an unbind signals the request eventfd");
	if (self->obey) {
		obey(&self->v);
		pthread_join(u->thread, NULL);
		u->started = 0;
		EXPECT_GT(3000.0, u->ms)
			TH_LOG("request: closing at once lets the unbind finish at once: %.0f ms",
			       u->ms);
	} else {
		pthread_join(u->thread, NULL);
		u->started = 0;
		n += wait_efd(self->req, 0);
		EXPECT_LE((uint64_t)2, n)
			TH_LOG("request: it is signalled again while ignored");
		expect_revoked(_metadata, &self->v);
	}
}

/* Ask the host to run a QEMU monitor command (scripts/qmp.py). */
static void qmp(struct __test_metadata *_metadata, const char *execute,
		const char *arguments)
{
	int err = pt_qmp(execute, arguments);

	ASSERT_EQ(0, err) TH_LOG("ask the host for %s: %s: %s", execute,
				 PT_RESULTS_PORT, strerror(err));
	TH_LOG("asked the host for %s %s", execute, arguments);
}

/* Wait up to @ms for @bdf to leave sysfs. */
static int gone(const char *bdf, int ms)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", bdf);
	for (; ms > 0; ms -= 100) {
		if (access(path, F_OK))
			return 1;
		usleep(100000);
	}
	return 0;
}

/* The function in a hotpluggable slot, as request's. */
FIXTURE(hotunplug) {
	struct vmm v;
	const char *id;
	int obey;
	int32_t req, msi;
};

FIXTURE_SETUP(hotunplug)
{
	vmm_init(&self->v, pt_arg(0, NULL));
	self->req = -1;
	self->msi = -1;
	self->id = pt_arg(1, NULL);
	ASSERT_NE(NULL, self->id) TH_LOG("usage: pt_irq %s", USAGE);
	self->obey = obey_arg(_metadata, pt_arg(2, ""));
	vmm_open(_metadata, &self->v);
	self->req = efd_new(_metadata);
	self->msi = efd_new(_metadata);
	ASSERT_EQ(0, set_fds(self->v.fd, PASSTHRU_IRQ_REQUEST, 0, 1, &self->req))
		TH_LOG("hotunplug: request eventfd set");
	ASSERT_EQ(0, set_fds(self->v.fd, PASSTHRU_IRQ_MSI, 0, 1, &self->msi))
		TH_LOG("hotunplug: MSI eventfd set");
}

FIXTURE_TEARDOWN(hotunplug)
{
	vmm_close(&self->v);
	efd_close(&self->req);
	efd_close(&self->msi);
}

/*
 * One sequence: QEMU unplugs the function (pciehp waits 5 s after the
 * attention button); the request eventfd is signalled; obeyed, the
 * function goes away at once; ignored, after release_timeout_ms, revoked.
 */
TEST_F_TIMEOUT(hotunplug, an_unplug_asks_the_vmm_which_lets_go_or_is_revoked, 180)
{
	char arguments[128];

	snprintf(arguments, sizeof(arguments), "{\"id\": \"%s\"}", self->id);
	qmp(_metadata, "device_del", arguments);
	ASSERT_LE((uint64_t)1, wait_efd(self->req, 20000))
		TH_LOG("hotunplug: the unplug signals the request eventfd (20 s)");
	if (self->obey) {
		obey(&self->v);
		EXPECT_TRUE(gone(self->v.bdf, 10000))
			TH_LOG("hotunplug: the VMM closes and the function goes away");
	} else {
		EXPECT_TRUE(gone(self->v.bdf, 20000))
			TH_LOG("hotunplug: ignored, the function goes away after the wait");
		expect_revoked(_metadata, &self->v);
	}
}

int main(int argc, char **argv)
{
	return pt_harness_main(argc, argv, USAGE);
}
