fn main() {
    pyfn_build::setup();
}
