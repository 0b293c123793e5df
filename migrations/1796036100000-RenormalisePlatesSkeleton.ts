import { RenormalisePlates1796009120007 } from "./1796009120007-RenormalisePlates";

/** Stored plates in this release's normal form: invisible code points (variation selectors, joiners...) dropped
 *  and look-alikes folded by Unicode's confusables skeleton (Cherokee Ꮶ, Coptic Ⲕ → K). The same conditional,
 *  oldest-first re-normalisation as RenormalisePlates: uq_vehicles_firm_plate holds throughout, and a firm's
 *  second spelling of one plate keeps its old form. Data only. */
export class RenormalisePlatesSkeleton1796036100000 extends RenormalisePlates1796009120007 {
    name = 'RenormalisePlatesSkeleton1796036100000'
}
