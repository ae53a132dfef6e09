#pragma once
/// \file daubechies.hpp
/// \brief Scaling (low-pass) filters h of the Daubechies orthonormal wavelets dbN,
/// N = 1…8 (Daubechies 1988, "Orthonormal bases of compactly supported wavelets", CPAM 41,
/// Table 1; Daubechies 1992, "Ten Lectures on Wavelets", Table 6.1), with 2N taps and N
/// vanishing moments, normalised so that Σ h_k = √2 and Σ h_k h_{k+2n} = δ_n.
///
/// The values were derived by spectral factorisation (Daubechies 1992, §6.1): the roots of
/// P(y) = Σ_{k<N} C(N−1+k, k) yᵏ, y = (2 − z − 1/z)/4, inside the unit circle give the
/// minimum-phase h(z) = ((1 + z)/2)ᴺ Π (z − z_i), normalised to Σ h = √2; computed with
/// 60-digit arithmetic and printed to 21 digits. They agree with the widely circulated
/// 17-digit tables (e.g. PyWavelets) to ~1e-12 only: those tables are themselves off by
/// up to 1e-12, which breaks orthonormality at that level. tests/sampling/test_wavelets.cpp
/// checks the three defining properties to 1e-14. High-pass: g_k = (−1)^k h_{2N−1−k}.

#include <array>
#include <cstddef>
#include <span>

#include "sphaera/core/error.hpp"

namespace sphaera::sampling {

namespace detail {
inline constexpr std::array<double, 2> db1_h{
    0.707106781186547524401, 0.707106781186547524401};
inline constexpr std::array<double, 4> db2_h{
    0.482962913144534143375, 0.836516303737807905575, 0.224143868042013381026,
    -0.129409522551260381174};
inline constexpr std::array<double, 6> db3_h{
    0.332670552950082615999, 0.806891509311092576494, 0.459877502118491570095,
    -0.135011020010254588696, -0.0854412738820266616928, 0.0352262918857095366027};
inline constexpr std::array<double, 8> db4_h{
    0.230377813308896500863, 0.71484657055291564709, 0.630880767929858907882,
    -0.0279837694168598542114, -0.18703481171909308408, 0.0308413818355607636272,
    0.0328830116668851997354, -0.0105974017850690321049};
inline constexpr std::array<double, 10> db5_h{
    0.160102397974192914481, 0.60382926979718967054, 0.724308528437772927728,
    0.138428145901320731505, -0.242294887066382031863, -0.0322448695846383746485,
    0.0775714938400457135231, -0.00624149021279827427419, -0.0125807519990819994685,
    0.003335725285473771278};
inline constexpr std::array<double, 12> db6_h{
    0.111540743350109463621, 0.494623890398453085677, 0.751133908021095350679,
    0.315250351709197629086, -0.226264693965439820076, -0.129766867567261935562,
    0.0975016055873230491023, 0.0275228655303057286255, -0.0315820393174860295651,
    0.000553842201161496139252, 0.00477725751094551063964, -0.00107730108530847956485};
inline constexpr std::array<double, 14> db7_h{
    0.07785205408500917902, 0.396539319481917306539, 0.729132090846235119917,
    0.469782287405193122472, -0.143906003928564975405, -0.224036184993874982638,
    0.0713092192668302647509, 0.0806126091510830719129, -0.0380299369350144135796,
    -0.0165745416306668806541, 0.012550998556099840613, 0.000429577972921366521132,
    -0.00180164070404749091527, 0.000353713799974520248446};
inline constexpr std::array<double, 16> db8_h{
    0.054415842243104009955, 0.312871590914299970659, 0.675630736297289806808,
    0.585354683654206712771, -0.0158291052563493056674, -0.284015542961546926516,
    0.000472484573913282770361, 0.128747426620478458857, -0.0173693010018075461696,
    -0.0440882539307947515068, 0.0139810279173982816487, 0.00874609404740577671638,
    -0.00487035299345157431042, -0.000391740373376947046298, 0.00067544940645056936637,
    -0.000117476784124769533731};
}  // namespace detail

/// The 2N-tap scaling filter h of dbN, N ∈ [1, 8] (invalid_argument otherwise).
inline std::span<const double> daubechies_filter(int order) {
    switch (order) {
        case 1: return detail::db1_h;
        case 2: return detail::db2_h;
        case 3: return detail::db3_h;
        case 4: return detail::db4_h;
        case 5: return detail::db5_h;
        case 6: return detail::db6_h;
        case 7: return detail::db7_h;
        case 8: return detail::db8_h;
        default:
            sphaera::detail::raise<invalid_argument>("daubechies_filter: order = ", order,
                                                     " is out of range; valid range is [1, 8]");
    }
}

}  // namespace sphaera::sampling
